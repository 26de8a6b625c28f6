/**
 * Time as CloudFormation and Step Functions would see it when waits are scaled down.
 * It reads and waits through the global `Date` and `setTimeout`, so that under a process-wide
 * {@link TimeWarp} (time-warp.ts) the driver's waits are simulated along with everyone else's.
 */

/**
 * Wall time plus the part of every wait that was skipped: a 1 s wait at scale 0.01 takes
 * 10 ms but moves this clock by 1 s. At scale 1 it is the wall clock. Waits may overlap (an
 * abandoned waiter keeps polling while the driver goes on): each guarantees only its own end
 * time, so overlapping waits are not counted twice.
 */
export class SimulatedClock {
  private skippedMs = 0;

  constructor(private readonly scale: number = 1) {
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`intervalScale must be a finite number >= 0, got ${scale}`);
  }

  /** Simulated epoch milliseconds. */
  public now(): number {
    return Date.now() + this.skippedMs;
  }

  /**
   * Calls `fn` once now() reaches `at` (simulated epoch ms), however the time gets there (wall
   * time passing, or waits skipped), without keeping the process alive; `cancel` stops it.
   */
  public at(at: number, fn: () => void): { cancel(): void } {
    let handle: NodeJS.Timeout | undefined;
    const check = () => {
      if (this.now() >= at) return fn();
      // Scaled down, other waits may skip time: look every 50 ms. Unscaled, only the time itself moves it.
      const wait = Math.max(1, (at - this.now()) * this.scale);
      handle = setTimeout(check, this.scale === 1 ? wait : Math.min(50, wait));
      handle.unref();
    };
    check();
    return { cancel: () => clearTimeout(handle) };
  }

  /** Waits `ms` simulated milliseconds (`ms × scale` of wall time); afterwards now() has moved by at least `ms`. */
  public async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    const target = this.now() + ms;
    await new Promise((resolve) => setTimeout(resolve, ms * this.scale));
    // Timers may fire a little early or late: skip exactly what the wall clock did not cover.
    this.skippedMs = Math.max(this.skippedMs, target - Date.now());
  }
}
