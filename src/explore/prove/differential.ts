/**
 * `locks --prove` checked against brute force. The prover cuts twice: DPOR explores one
 * execution per trace, and the look-ahead (lock-system.ts) keeps an actor from a look
 * that would only fail. Both must lose nothing: over the same LockSystem, every
 * interleaving is enumerated and its outcome named (the order in which the actors
 * entered the critical section, the findings, whether it ended blocked), and DPOR
 * must reach the same outcomes and break the same properties.
 *
 * An execution that broke a property stops there: its later steps, and the races they
 * would show, are not explored. So for a lock that breaks a property only the broken
 * properties are compared (DPOR need not reach every way of breaking one, nor every
 * clean outcome past a stopped execution); for a lock that breaks none, every outcome.
 */
import { exploreDpor } from '../dpor/dpor.ts';
import { LockSystem, type LockUnderTest, type ProveConfig } from './lock-system.ts';

export interface LockDifferential {
  ok: boolean;
  interleavings: number;
  bruteOutcomes: number;
  dporTraces: number;
  /** the properties each side saw broken */
  bruteBroken: string[];
  dporBroken: string[];
  /** outcomes of executions that broke nothing, reached by brute force only */
  missing: string[];
  mismatch: string | null;
}

function outcome(sys: LockSystem, blocked: boolean): { key: string; broken: string[] } {
  const order = sys.log.filter((r) => r.text.startsWith('»')).map((r) => r.actor).join('');
  const broken = sys.findings.map((f) => f.property as string);
  if (blocked && broken.length === 0) {
    const f = sys.blockedFinding();
    if (f) broken.push(f.property);
  }
  return { key: `${order}|${broken.join(',')}`, broken };
}

export function lockDifferential(lock: LockUnderTest, cfg: ProveConfig, opts: { awaitRaces?: boolean; maxInterleavings?: number } = {}): LockDifferential {
  const cap = opts.maxInterleavings ?? 2_000_000;
  const b = new LockSystem(lock, cfg);
  const bOut = new Set<string>();
  const bBroken = new Set<string>();
  let interleavings = 0;
  const visit = (): void => {
    if (interleavings >= cap) throw new Error(`brute force: more than ${cap} interleavings`);
    const enabled: number[] = [];
    let left = false;
    for (let a = 0; a < b.actors; a++) {
      if (b.pending(a) !== null) left = true;
      if (b.enabled(a)) enabled.push(a);
    }
    if (enabled.length === 0) {
      interleavings++;
      const o = outcome(b, left);
      bOut.add(o.key);
      for (const p of o.broken) bBroken.add(p);
      return;
    }
    const token = b.checkpoint();
    for (const a of enabled) {
      b.rollback(token);
      b.step(a);
      visit();
    }
    b.rollback(token);
  };
  visit();

  const d = new LockSystem(lock, cfg);
  const dOut = new Set<string>();
  const dBroken = new Set<string>();
  const res = exploreDpor(d, {
    awaitRaces: opts.awaitRaces,
    onExecution: (end) => {
      const o = outcome(d, end.kind === 'blocked');
      dOut.add(o.key);
      for (const p of o.broken) dBroken.add(p);
    },
  });
  const missing = bBroken.size > 0 ? [] : [...bOut].filter((k) => !dOut.has(k));
  const bruteBroken = [...bBroken].sort();
  const dporBroken = [...dBroken].sort();
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`DPOR missed ${missing.length} outcome(s), e.g. entry order ${missing[0]!.split('|')[0]}`);
  if (bruteBroken.join() !== dporBroken.join()) problems.push(`brute force broke [${bruteBroken.join(', ')}], DPOR [${dporBroken.join(', ')}]`);
  return {
    ok: problems.length === 0,
    interleavings,
    bruteOutcomes: bOut.size,
    dporTraces: res.traces,
    bruteBroken,
    dporBroken,
    missing,
    mismatch: problems.length ? problems.join('; ') : null,
  };
}
