// A broken lock: it checks that the word is free, then stores its id, without
// a compare-and-swap. Two workers that both see "free" both get in.
// `tsync-lab locks --check` finds this, and so does a stress run that uses it as siglock.
export default class CheckThenStoreLock {
  constructor(m, base, worker) {
    this.m = m;
    this.word = base;
    this.me = worker + 1;
    this.x = worker + 1; // xorshift state for the work below
  }

  acquire() {
    while (Atomics.load(this.m, this.word) !== 0);
    // the window between the check and the store: a little work (0-255 steps),
    // and one time in 16 a preemption (here a 20 µs sleep), as on a busy machine
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    let y = 0;
    for (let i = 0; i < (x & 255); i++) y = (y + i) | 0;
    if ((x & 0xf00) === 0) Atomics.wait(this.m, this.word + 1, 0, 0.02);
    Atomics.store(this.m, this.word, this.me + (y & 0)); // BUG: should be a compareExchange
  }

  release() {
    Atomics.store(this.m, this.word, 0);
  }
}
