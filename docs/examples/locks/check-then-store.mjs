// A broken lock: it checks that the word is free, then stores its id, without
// a compare-and-swap. Two workers that both see "free" both get in.
// `tsync-lab locks --check` finds this, and so does a stress run that uses it as siglock.
export default class CheckThenStoreLock {
  constructor(m, base, worker) {
    this.m = m;
    this.word = base;
    this.me = worker + 1;
  }

  acquire() {
    while (Atomics.load(this.m, this.word) !== 0);
    let x = 0; // some work between the check and the store: the window
    for (let i = 0; i < 50; i++) x = (x + i) | 0;
    Atomics.store(this.m, this.word, this.me + (x & 0)); // BUG: should be a compareExchange
  }

  release() {
    Atomics.store(this.m, this.word, 0);
  }
}
