/**
 * What one step of an actor touches, and when two steps are dependent.
 *
 * A step's accesses are what it really did (or, for a pending step, what it would
 * do in the current state): a failed compareExchange is a read; a successful one,
 * and every add/sub/and/or/xor/exchange, is a read-modify-write. `wait` names the
 * word an Atomics.wait compares and queues on (also the wake-up of a sleeper);
 * `notify` the word an Atomics.notify wakes on.
 *
 * The dependence relation, frozen here and tested (test/dpor.test.ts):
 *  - two accesses to different words are independent;
 *  - on the same word, two reads commute; anything else with a write (write, rmw)
 *    is dependent;
 *  - wait and notify are dependent with each other and with writes of their word,
 *    and independent of plain reads.
 * Two steps are dependent when any pair of their accesses is.
 */
export type AccessKind = 'read' | 'write' | 'rmw' | 'wait' | 'notify';

export interface Access {
  readonly word: number;
  readonly kind: AccessKind;
}

export type Accesses = readonly Access[];

export type Dependence = (a: Accesses, b: Accesses) => boolean;

function accessesConflict(x: Access, y: Access): boolean {
  if (x.word !== y.word) return false;
  if (x.kind === 'read' && y.kind === 'read') return false;
  if (x.kind === 'read' && (y.kind === 'wait' || y.kind === 'notify')) return false;
  if (y.kind === 'read' && (x.kind === 'wait' || x.kind === 'notify')) return false;
  return true;
}

/** The lab's dependence relation (see the module comment). */
export const dependent: Dependence = (a, b) => {
  for (const x of a) for (const y of b) if (accessesConflict(x, y)) return true;
  return false;
};

/** Does any access of the step write its word (for the sleep-set bookkeeping of callers)? */
export function writes(a: Accesses): boolean {
  return a.some((x) => x.kind === 'write' || x.kind === 'rmw');
}
