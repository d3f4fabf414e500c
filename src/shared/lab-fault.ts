/**
 * The lab's own fault, whichever engine meets it (exit 3, like every internal error):
 * a worker that never started or never came back, a party that never reached a
 * barrier, a wait past its bound, a recorded prefix that does not replay. Not a finding
 * about the model or a lock: those are `Finding`s (./finding.ts), and a finding that
 * ends a command early is a `FindingError`.
 *
 * A fault raised by a bounded wait (./wait.ts) names what was waited for and the bound.
 * Thrown in a worker, it crosses to the main thread as a WorkerTaskError that keeps
 * its name ('LabFault') and these fields.
 */
import { InternalError } from './internal-error.ts';

export interface LabFaultInfo {
  /** what was waited for ("the start gate", "barrier round 3 of 2 actors"), when a wait timed out */
  waitedFor?: string;
  /** the bound that was passed, ms */
  boundMs?: number;
  /** a long detail for the log (InternalError's) */
  detail?: string;
}

export class LabFault extends InternalError {
  override readonly name: string = 'LabFault';
  /** what was waited for ('' when the fault is not a wait) */
  readonly waitedFor: string;
  /** the bound that was passed, ms (0 when the fault is not a wait) */
  readonly boundMs: number;
  constructor(message: string, info: LabFaultInfo = {}) {
    super(message, info.detail ?? '');
    this.waitedFor = info.waitedFor ?? '';
    this.boundMs = info.boundMs ?? 0;
  }
}
