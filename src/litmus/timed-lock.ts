/**
 * A siglock handle that timestamps its use by the copy being run: when the actor
 * first asked for it, first held it, and last released it. Swapped into the worker's
 * lock array from outside (like explore's ControlledLock); the lock itself is the
 * real kind of the plan. Costs three performance.now() calls per siglock hold.
 */
import type { Lock } from '../locks/lock.ts';
import { DelegatingLock } from '../locks/delegating.ts';
import { TIME } from './ctl.ts';

/** Where the current copy's timestamps go: the worker's actor loop moves `at`. */
export class WindowClock {
  /** index of the current copy's TIME record for this actor, -1 = not recording */
  at = -1;
  constructor(readonly times: Float64Array) {}
}

export class TimedLock extends DelegatingLock {
  constructor(
    inner: Lock,
    private readonly clock: WindowClock,
  ) {
    super(inner);
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

  override acquire(): void {
    this.want();
    this.inner.acquire();
    this.got();
  }
  override release(): void {
    this.drop();
    this.inner.release();
  }
  override tryAcquire(): boolean {
    this.want();
    const ok = this.inner.tryAcquire();
    if (ok) this.got();
    return ok;
  }
  override readAcquire(): void {
    this.want();
    this.inner.readAcquire();
    this.got();
  }
  override readRelease(): void {
    this.drop();
    this.inner.readRelease();
  }
  override run<T>(fn: () => T): T {
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
  override readRun<T>(fn: () => T): T {
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
}
