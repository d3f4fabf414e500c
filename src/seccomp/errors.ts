/** Outcomes of model operations (errno-style), shared by every design. */
/** errno values the model returns (the scenario format spells them the same way). */
export type Errno = 'EINVAL' | 'EACCES' | 'ENOMEM' | 'ESRCH' | 'EAGAIN';

export type OpResult =
  | { ok: true }
  | { ok: false; errno: Errno }
  /** TSYNC refused: `tid` is the (first or, in separate-sync, last) ineligible thread */
  | { ok: false; errno: 'TSYNC'; tid: number };

export const OK: OpResult = { ok: true };
export function fail(errno: Errno): OpResult {
  return { ok: false, errno };
}
export function tsyncFailed(tid: number): OpResult {
  return { ok: false, errno: 'TSYNC', tid };
}
