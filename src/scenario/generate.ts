/**
 * Random valid sequential scenarios, as a fast-check arbitrary (used by
 * `tsync-lab diff --fuzz`). The arbitrary draws a raw plan (thread count,
 * privilege, a list of abstract ops that name their thread by an index into
 * the threads alive at that point); `toScenario` turns any plan into a valid
 * scenario, skipping ops that cannot run (a clone with 6 threads alive,
 * anything after every thread exited). So every plan fast-check shrinks to is
 * still a valid scenario, and shrinking never leaves the scenario format.
 *
 * Covered: 1 to 6 threads; privileged and not; set_nnp; attach with every
 * flag combination (tsync, tsync_esrch and an unknown bit); insns 0, 1, 4096,
 * 4097 and lengths around the 32768-instruction path limit (a plan may start
 * with a chain of 4096-instruction filters, so the limit is a few steps away);
 * clone from any live thread; exit of any thread, the leader included; and
 * `sync` for designs that have it.
 */
import fc from 'fast-check';
import { parseScenario } from './parse.ts';
import { FLAGS, type Flag, type Scenario, type Step } from './types.ts';

/** At most this many threads alive at once (clones past it are skipped). */
export const MAX_LIVE = 6;

type Kind = 'set_nnp' | 'attach' | 'clone' | 'exit' | 'sync';

interface RawOp {
  kind: Kind;
  /** index into the live threads (mod their count) */
  who: number;
  flags: Flag[];
  insns: number;
}

export interface Plan {
  threads: number;
  privileged: boolean;
  /** 4096-instruction attaches by the leader after a set_nnp, before `ops` (0 = none) */
  preload: number;
  ops: RawOp[];
}

export interface GenerateOptions {
  /** at most this many steps per scenario */
  maxSteps: number;
  /** emit `sync` steps (designs with a separate sync op) */
  withSync: boolean;
}

/** Program lengths: the EINVAL edges, the default, and values around the path limit. */
const insnsArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1, 4096, 0, 4097) },
  { weight: 2, arbitrary: fc.constantFrom(4068, 4069, 4092, 4093, 17, 11) },
  { weight: 3, arbitrary: fc.integer({ min: 11, max: 4096 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }) },
);

function opArb(withSync: boolean): fc.Arbitrary<RawOp> {
  const kinds: { weight: number; arbitrary: fc.Arbitrary<Kind> }[] = [
    { weight: 6, arbitrary: fc.constant('attach' as const) },
    { weight: 2, arbitrary: fc.constant('set_nnp' as const) },
    { weight: 2, arbitrary: fc.constant('clone' as const) },
    { weight: 1, arbitrary: fc.constant('exit' as const) },
  ];
  if (withSync) kinds.push({ weight: 1, arbitrary: fc.constant('sync' as const) });
  return fc.record({
    kind: fc.oneof(...kinds),
    who: fc.nat({ max: MAX_LIVE - 1 }),
    flags: fc.subarray([...FLAGS]),
    insns: insnsArb,
  });
}

export function planArb(o: GenerateOptions): fc.Arbitrary<Plan> {
  return fc.record({
    threads: fc.integer({ min: 1, max: MAX_LIVE }),
    privileged: fc.boolean(),
    preload: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
    ops: fc.array(opArb(o.withSync), { maxLength: o.maxSteps }),
  });
}

/** The scenario a plan stands for (valid by construction; at most `maxSteps` steps). */
export function toScenario(p: Plan, maxSteps: number, name = 'fuzz'): Scenario {
  const threads = Array.from({ length: p.threads }, (_, i) => (i === 0 ? 'main' : `t${i}`));
  const alive = [...threads];
  const steps: Step[] = [];
  let filters = 0;
  let clones = 0;
  const attach = (thread: string, flags: Flag[], insns: number) => {
    const st: Step = { thread, op: 'attach', filter: `f${++filters}` };
    if (flags.length) st.flags = flags;
    if (insns !== 1) st.insns = insns;
    steps.push(st);
  };
  if (p.preload > 0 && maxSteps > 0) {
    steps.push({ thread: 'main', op: 'set_nnp' });
    for (let i = 0; i < p.preload && steps.length < maxSteps; i++) attach('main', [], 4096);
  }
  for (const op of p.ops) {
    if (steps.length >= maxSteps || alive.length === 0) break;
    const who = alive[op.who % alive.length]!;
    switch (op.kind) {
      case 'attach':
        attach(who, op.flags, op.insns);
        break;
      case 'clone':
        if (alive.length >= MAX_LIVE) break;
        alive.push(`c${++clones}`);
        steps.push({ thread: who, op: 'clone', child: `c${clones}` });
        break;
      case 'exit':
        alive.splice(alive.indexOf(who), 1);
        steps.push({ thread: who, op: 'exit' });
        break;
      case 'set_nnp':
      case 'sync':
        steps.push({ thread: who, op: op.kind });
        break;
    }
  }
  // parseScenario is the format's one validator: a generator bug cannot hide here
  return parseScenario({ name, privileged: p.privileged, threads, steps }, name);
}

/** Scenarios directly (plans mapped), for callers that do not need the plan. */
export function scenarioArb(o: GenerateOptions): fc.Arbitrary<Scenario> {
  return planArb(o).map((p) => toScenario(p, o.maxSteps));
}
