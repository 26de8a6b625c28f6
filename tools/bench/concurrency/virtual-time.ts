/**
 * Simulated time for async code: `sleep` returns a promise that `run` resolves when
 * the simulated clock reaches it, earliest first, after everything the previous wake-up
 * set off has run. So the real waiting loop (lambda/dms/wait.ts) runs unchanged, and
 * hours of 200 concurrent waits take a second or two.
 */
export class VirtualTime {
  private nowMs = 0;
  private seq = 0;
  private readonly heap: Array<{ at: number; seq: number; wake: () => void }> = [];

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((wake) => this.push({ at: this.nowMs + Math.max(0, ms), seq: this.seq++, wake }));
  }

  /** Runs until `work` settles and no sleeper is left; returns its result. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const result = work.finally(() => {
      settled = true;
    });
    result.catch(() => undefined);
    for (;;) {
      // Let every continuation of the last wake-up run (they may sleep again) before moving time on.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.pop();
      if (!next) break;
      this.nowMs = next.at;
      next.wake();
    }
    if (!settled) throw new Error('simulation stalled: work is waiting on something other than simulated time');
    return result;
  }

  private push(item: { at: number; seq: number; wake: () => void }): void {
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0;) {
      const parent = Math.floor((i - 1) / 2);
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): { at: number; seq: number; wake: () => void } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
