/**
 * A siglock handle that timestamps its use by the copy being run: when the actor
 * first asked for it, first held it, and last released it. Swapped into the worker's
 * lock array from outside (like explore's ControlledLock); the lock itself is the
 * real kind of the plan. Costs three performance.now() calls per siglock hold.
 */
import type { Lock } from '../locks/lock.ts';
import { TIME } from './ctl.ts';

/** Where the current copy's timestamps go: the worker's actor loop moves `at`. */
export class WindowClock {
  /** index of the current copy's TIME record for this actor, -1 = not recording */
  at = -1;
  constructor(readonly times: Float64Array) {}
}

export class TimedLock implements Lock {
  constructor(
    private readonly inner: Lock,
    private readonly clock: WindowClock,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }
  get id(): number {
    return this.inner.id;
  }
  get splittable(): boolean {
    return this.inner.splittable;
  }

  private want(): void {
    const at = this.clock.at;
    if (at >= 0 && this.clock.times[at + TIME.SIG_WANT] === 0) this.clock.times[at + TIME.SIG_WANT] = performance.now();
  }
  private got(): void {
    const at = this.clock.at;
    if (at >= 0 && this.clock.times[at + TIME.SIG_ACQ] === 0) this.clock.times[at + TIME.SIG_ACQ] = performance.now();
  }
  private drop(): void {
    const at = this.clock.at;
    if (at >= 0) this.clock.times[at + TIME.SIG_REL] = performance.now();
  }

  acquire(): void {
    this.want();
    this.inner.acquire();
    this.got();
  }
  release(): void {
    this.drop();
    this.inner.release();
  }
  tryAcquire(): boolean {
    this.want();
    const ok = this.inner.tryAcquire();
    if (ok) this.got();
    return ok;
  }
  readAcquire(): void {
    this.want();
    this.inner.readAcquire();
    this.got();
  }
  readRelease(): void {
    this.drop();
    this.inner.readRelease();
  }
  run<T>(fn: () => T): T {
    this.want();
    return this.inner.run(() => {
      this.got();
      try {
        return fn();
      } finally {
        this.drop();
      }
    });
  }
  readRun<T>(fn: () => T): T {
    this.want();
    return this.inner.readRun(() => {
      this.got();
      try {
        return fn();
      } finally {
        this.drop();
      }
    });
  }
  holder(): number {
    return this.inner.holder();
  }
}
