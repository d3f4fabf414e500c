/**
 * The one shape of a finding, whichever engine found it: a model checker's violation
 * or a crash (stress), a failed execution (explore), a violation seen by a litmus
 * actor. Each engine's record extends it with what only it knows (stress: task ids,
 * node handles, seed, trace; litmus: a count and the sample it first occurred at;
 * explore: the schedule, kept beside it in the execution).
 *
 * Every field an engine does not fill is absent, never written as undefined, so the
 * engines' JSON keep the keys they always had.
 */
export interface Finding {
  /** what was found: a violation kind ('use-after-free', 'deadlock', ...), 'forbidden', 'crash' */
  kind: string;
  /** one line (or a few) saying what happened */
  message: string;
  /** the op being run when it was found ("tsync", "main op 0 attach", "audit after the execution") */
  op?: string;
  /** who found it, by worker index (stress) ... */
  worker?: number;
  /** ... or by actor name (explore, litmus) */
  actor?: string;
  /** task ids (tids) involved */
  tasks?: number[];
  /** node handles involved */
  nodes?: number[];
  /** the stack of what was thrown (a crash) */
  stack?: string;
}
