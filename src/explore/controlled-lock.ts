/**
 * A lock handle under the controlled scheduler: the scheduler grants it (blocking the
 * worker, never spinning), then the real lock of the chosen kind is taken, which
 * succeeds at once since the scheduler only grants free locks. Like loom's rt mutex:
 * the lock's waiting lives in the runtime.
 */
import type { Lock } from '../locks/lock.ts';
import { DelegatingLock } from '../locks/delegating.ts';
import type { Controller } from './controller.ts';

export class ControlledLock extends DelegatingLock {
  constructor(
    inner: Lock,
    private readonly ctl: Controller,
  ) {
    super(inner);
  }

  override get splittable(): boolean {
    return true;
  }
  override acquire(): void {
    this.ctl.want(this.inner.id, true);
    this.inner.acquire();
  }
  override release(): void {
    this.inner.release();
    this.ctl.drop(this.inner.id, true);
  }
  override tryAcquire(): boolean {
    // the model does not use it; a granted try would need the same bookkeeping as acquire
    throw new Error('tryAcquire is not supported under the controlled scheduler');
  }
  override readAcquire(): void {
    this.ctl.want(this.inner.id, false);
    this.inner.readAcquire();
  }
  override readRelease(): void {
    this.inner.readRelease();
    this.ctl.drop(this.inner.id, false);
  }
}
