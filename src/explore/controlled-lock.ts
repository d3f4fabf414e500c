/**
 * A lock handle under the controlled scheduler: the scheduler grants it (blocking the
 * worker, never spinning), then the real lock of the chosen kind is taken, which
 * succeeds at once since the scheduler only grants free locks. Like loom's rt mutex:
 * the lock's waiting lives in the runtime.
 */
import { runSplit, type Lock } from '../locks/lock.ts';
import type { Controller } from './controller.ts';

export class ControlledLock implements Lock {
  readonly splittable = true;
  constructor(
    private readonly inner: Lock,
    private readonly ctl: Controller,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }
  get id(): number {
    return this.inner.id;
  }

  acquire(): void {
    this.ctl.want(this.inner.id, true);
    this.inner.acquire();
  }
  release(): void {
    this.inner.release();
    this.ctl.drop(this.inner.id, true);
  }
  tryAcquire(): boolean {
    // the model does not use it; a granted try would need the same bookkeeping as acquire
    throw new Error('tryAcquire is not supported under the controlled scheduler');
  }
  readAcquire(): void {
    this.ctl.want(this.inner.id, false);
    this.inner.readAcquire();
  }
  readRelease(): void {
    this.inner.readRelease();
    this.ctl.drop(this.inner.id, false);
  }
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
