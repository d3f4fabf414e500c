/**
 * How much CPU other processes took while a run ran: a benchmark on a shared
 * machine needs to say when its numbers were disturbed. The load average cannot
 * tell (it counts our own workers, and lags a minute); /proc/stat's busy time
 * minus this process's own CPU time can. Linux only: null elsewhere.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node runs on */
const TICKS_PER_S = 100;

/**
 * Busy seconds of the whole machine (steal included: the hypervisor took it from
 * us), and the number of CPUs that busy time is summed over (the `cpuN` lines: the
 * online CPUs, not the affinity mask availableParallelism() reports).
 */
function machineBusy(): { seconds: number; cpus: number } | null {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const f = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
    return cpus > 0 ? { seconds: (user + nice + system + irq + softirq + steal) / TICKS_PER_S, cpus } : null;
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
  const busy0 = machineBusy();
  const own0 = ownSeconds();
  const t0 = performance.now();
  return () => {
    const busy1 = machineBusy();
    const wall = (performance.now() - t0) / 1000;
    if (busy0 === null || busy1 === null || wall <= 0) return null;
    const other = busy1.seconds - busy0.seconds - (ownSeconds() - own0);
    return Math.round(Math.min(1, Math.max(0, other / (wall * busy1.cpus))) * 1000) / 1000;
  };
}
