/**
 * How much CPU other processes took while a run ran: a benchmark on a shared
 * machine needs to say when its numbers were disturbed. The load average cannot
 * tell (it counts our own workers, and lags a minute); /proc/stat's busy time
 * minus this process's own CPU time can. Linux only: null elsewhere.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node runs on */
const TICKS_PER_S = 100;

/** busy seconds of the whole machine (steal included: the hypervisor took it from us) */
function machineBusySeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_S;
  } catch {
    return null;
  }
}

const ownSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Start measuring; the returned function gives the share (0..1) of the machine's CPUs others used since. */
export function otherCpuMeter(): () => number | null {
  const busy0 = machineBusySeconds();
  const own0 = ownSeconds();
  const t0 = performance.now();
  return () => {
    const busy1 = machineBusySeconds();
    const wall = (performance.now() - t0) / 1000;
    if (busy0 === null || busy1 === null || wall <= 0) return null;
    const other = busy1 - busy0 - (ownSeconds() - own0);
    return Math.round(Math.min(1, Math.max(0, other / (wall * availableParallelism()))) * 1000) / 1000;
  };
}
