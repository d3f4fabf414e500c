/**
 * A lock handle that wraps another one (the real kind of the plan) and passes every
 * call through: the base of the engines' wrappers (explore's ControlledLock and
 * WatchedLock, litmus's TimedLock), which override only the calls they watch.
 */
import { runSplit, type Lock } from './lock.ts';

export abstract class DelegatingLock implements Lock {
  constructor(protected readonly inner: Lock) {}

  get kind(): string {
    return this.inner.kind;
  }
  get id(): number {
    return this.inner.id;
  }
  get splittable(): boolean {
    return this.inner.splittable;
  }
  acquire(): void {
    this.inner.acquire();
  }
  release(): void {
    this.inner.release();
  }
  tryAcquire(): boolean {
    return this.inner.tryAcquire();
  }
  readAcquire(): void {
    this.inner.readAcquire();
  }
  readRelease(): void {
    this.inner.readRelease();
  }
  /** the closure forms over this wrapper's own split calls */
  run<T>(fn: () => T): T {
    return runSplit(this, true, fn);
  }
  readRun<T>(fn: () => T): T {
    return runSplit(this, false, fn);
  }
  holder(): number {
    return this.inner.holder();
  }
}
