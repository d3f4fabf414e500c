/**
 * Presets: the classic questions of the 2014 TSYNC debate as ready-made matrices.
 * Their duration and repeat defaults are chosen so each finishes in a couple of
 * minutes on a 2-core machine (a user's --duration/--repeat/--vary still win).
 */
import { UsageError } from '../shared/usage-error.ts';
import type { StressValues } from '../stress/options.ts';
import { parseVary, type Axis } from './axes.ts';

export interface Preset {
  name: string;
  question: string;
  vary: Axis[];
  /** base stress flags the question needs (below the user's own flags) */
  base: StressValues;
  duration: string;
  repeat: number;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'scope',
    question: 'which lock should serialise TSYNC against clone: siglock (merged), the global tasklist_lock (early series) or a per-process threadgroup rwsem, as processes grow?',
    // groups last: it is the chart's x axis, one line per scope
    vary: [parseVary('scope=siglock,tasklist,threadgroup'), parseVary('groups=1,2,4,8')],
    base: {},
    // 12 cells x 3 repeats x 2 s, plus ~0.6 s of setup per run: about 1m35s on 2 cores;
    // three repeats, so the median shrugs off one run disturbed by other load
    duration: '2s',
    repeat: 3,
  },
  {
    name: 'kinds',
    question: 'how does the siglock implementation (spin, queued, sleeping) behave as thread groups grow?',
    vary: [parseVary('siglock=tas,ttas,ticket,mcs,rw,futex'), parseVary('threads=2..4,8..16,32..64')],
    base: {},
    // 18 cells x 1 repeat x 3 s: about 1m10s
    duration: '3s',
    repeat: 1,
  },
  {
    name: 'designs',
    question: 'what do the designs (merged TSYNC flag, separate sync call, forced composition) cost as thread groups grow?',
    vary: [parseVary('design=merged,separate-sync,force-compose'), parseVary('threads=2..8,16..32')],
    base: {},
    // 6 cells x 2 repeats x 3 s: about 45 s
    duration: '3s',
    repeat: 2,
  },
  {
    name: 'debate',
    question: 'what does the caller of each design go through until every thread carries its filter, as library threads diverge more often: time to success, give-ups, attempts, chain growth?',
    // diverge last: the charts' x axis, one line per design x retry policy
    vary: [parseVary('design=merged,separate-sync,force-compose'), parseVary('retry-policy=wait,kill'), parseVary('diverge=0.002,0.01,0.05')],
    // callers run their loops; threads diverge only by --diverge (no other attach or TSYNC)
    base: { mix: 'tsync_retry=2,tsync=0,tsync_esrch=0,sync=0,attach=0' },
    // 18 cells x 1 repeat x 2 s, plus ~0.6 s of setup per run: about 50 s on 2 cores
    duration: '2s',
    repeat: 1,
  },
];

export function findPreset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new UsageError(`--preset: unknown preset "${name}"; presets: ${PRESETS.map((x) => x.name).join(', ')}`);
  return p;
}

export function describePresets(): string {
  return PRESETS.map((p) => `    ${p.name.padEnd(8)} ${p.vary.map((a) => `${a.name}=${a.values.join(',')}`).join(' x ')} (${p.duration}, repeat ${p.repeat})\n             ${p.question}`).join('\n');
}
