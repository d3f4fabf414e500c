// A fair ticket lock, written against tsync-lab's lock contract (docs/locks.md):
// m[base] is the next ticket, m[base + 1] the ticket being served.
// Waiters spin a while, then sleep on the serving word (Atomics.wait): release
// wakes them all, and each checks whether its number came up.
export default class TicketLock {
  static fair = true; // `tsync-lab locks --check` then also checks FIFO order

  constructor(m, base, worker) {
    this.m = m;
    this.next = base;
    this.serving = base + 1;
    this.worker = worker;
  }

  acquire() {
    const my = Atomics.add(this.m, this.next, 1);
    for (let spins = 0; ; spins++) {
      const now = Atomics.load(this.m, this.serving);
      if (now === my) return;
      if (spins > 1000) Atomics.wait(this.m, this.serving, now, 10);
    }
  }

  tryAcquire() {
    const now = Atomics.load(this.m, this.serving);
    return Atomics.compareExchange(this.m, this.next, now, now + 1) === now;
  }

  release() {
    Atomics.add(this.m, this.serving, 1);
    Atomics.notify(this.m, this.serving);
  }
}
