/**
 * Simulated time for a whole test file: while everything in the process is only waiting on a
 * timer, time jumps to the earliest one instead of passing, so a handler's 5-s backoff, the
 * waiter's interval or the emulated DMS's 2-min start cost a few milliseconds of wall time.
 *
 * USE: every suite under test/lifecycle/ and test/handlers/ runs on it by default (jest setup file
 * test/support/simulated-time.ts); a suite that must run in real time says `@real-time` in its
 * first doc comment. Any other suite gets it with one line at its top:
 *
 *     useSimulatedTime(); // from test/support/simulated-time.ts
 *
 * It replaces `Date` (now and `new Date()`), `setTimeout` and `setInterval` (and their clears)
 * on the file's global object: what the handlers (loaded by the lifecycle driver in-process),
 * the DMS emulator (whose state changes are computed lazily on read, from `Date.now()`), the
 * driver and the SDK see. Time is wall time plus every jump, so it never goes back, and waits
 * that overlap (an abandoned waiter polls while the driver goes on) each end at their own time.
 *
 * It never jumps while anything real is under way: an HTTP request from this process (the
 * handlers' SDK calls to the emulator or the CloudFormation endpoint) from its start until its
 * response was read, or a file system or DNS request. Then timers fire in real time, so an SDK
 * request timeout and a delayed emulator answer race as they do without it.
 */
import * as diagnostics from 'diagnostics_channel';
import { promisify } from 'util';

const REQUEST_START = 'http.client.request.start';
/** libuv requests (not handles) that `process.getActiveResourcesInfo()` names: real work in flight. */
const REAL_WORK = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandleCloseReq', 'CloseReq', 'GetAddrInfoReqWrap', 'GetNameInfoReqWrap', 'QueryReqWrap', 'TCPConnectWrap', 'PipeConnectWrap', 'ShutdownWrap']);
/** Node's bounds on a timer's delay: outside them it is 1 ms. */
const TIMEOUT_MAX = 2 ** 31 - 1;

interface VirtualTimer {
  readonly id: number;
  due: number;
  /** Order of creation: timers due at the same time fire in it. */
  seq: number;
  readonly fn: (...args: unknown[]) => void;
  readonly args: unknown[];
  readonly ms: number;
  readonly repeat: boolean;
  ref: boolean;
}

/** The handle `setTimeout` returns under the warp (Node's Timeout's surface). */
class WarpTimeout {
  constructor(private readonly warp: TimeWarp, public readonly id: number) {}
  ref(): this { this.warp.setRef(this.id, true); return this; }
  unref(): this { this.warp.setRef(this.id, false); return this; }
  hasRef(): boolean { return this.warp.hasRef(this.id); }
  refresh(): this { this.warp.refresh(this.id); return this; }
  close(): this { this.warp.clear(this.id); return this; }
  [Symbol.dispose](): void { this.warp.clear(this.id); }
  [Symbol.toPrimitive](): number { return this.id; }
}

type Globals = Pick<typeof globalThis, 'Date' | 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;

/** A process-wide simulated clock installed on one global object; see the module comment. */
export class TimeWarp {
  /**
   * Replaces the clock and timers of `target` (this file's global object by default).
   * Timers created before keep running in real time.
   */
  public static install(target: Globals = globalThis): TimeWarp {
    return new TimeWarp(target);
  }

  /** Milliseconds time has jumped so far. */
  public skippedMs = 0;
  /** Jumps made so far. */
  public jumps = 0;
  private readonly real: Globals;
  private readonly timers = new Map<number, VirtualTimer>();
  private nextId = 1;
  private nextSeq = 0;
  private readonly inFlight = new Set<object>();
  private warping = true;
  /** Changes with every event that may end idleness: a jump is made only if it did not change for two turns. */
  private generation = 0;
  private checkPending = false;
  private wake: { handle: NodeJS.Timeout; at: number } | undefined;
  private readonly onRequest: (message: unknown) => void;

  private constructor(target: Globals) {
    const { Date: date, setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: clearEvery } = target;
    this.real = { Date: date, setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: clearEvery };
    this.onRequest = (message) => this.track((message as { request: NodeJS.EventEmitter }).request);
    diagnostics.subscribe(REQUEST_START, this.onRequest);
    const warp = this;
    const RealDate = this.real.Date;
    // A function, not a class: `Date()` without `new` must still work (it returns a string).
    function WarpDate(this: unknown, ...args: unknown[]): Date | string {
      if (!new.target) return new RealDate(warp.now()).toString();
      return args.length === 0 ? new RealDate(warp.now()) : new (RealDate as any)(...args);
    }
    WarpDate.prototype = RealDate.prototype;
    Object.assign(WarpDate, { now: () => warp.now(), parse: RealDate.parse, UTC: RealDate.UTC });
    target.Date = WarpDate as unknown as DateConstructor;
    const warpSetTimeout = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => this.add(fn, ms, args, false);
    // util.promisify(setTimeout) must wait in simulated time too.
    const promised = (ms?: number, value?: unknown) => new Promise((resolve) => this.add(resolve, ms, [value], false));
    Object.assign(warpSetTimeout, { [promisify.custom]: promised });
    target.setTimeout = warpSetTimeout as unknown as typeof setTimeout;
    const warpSetInterval = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => this.add(fn, ms, args, true);
    target.setInterval = warpSetInterval as unknown as typeof setInterval;
    target.clearTimeout = ((handle: unknown) => this.clearAny(handle, this.real.clearTimeout)) as typeof clearTimeout;
    target.clearInterval = ((handle: unknown) => this.clearAny(handle, this.real.clearInterval)) as typeof clearInterval;
  }

  /** Simulated epoch milliseconds. */
  public now(): number {
    return this.real.Date.now() + this.skippedMs;
  }

  /**
   * Stops jumping (timers still pending then fire in real time) and stops watching HTTP
   * requests. The clock and timers stay replaced, so time never goes back for what still runs.
   */
  public dispose(): void {
    if (!this.warping) return;
    this.warping = false;
    diagnostics.unsubscribe(REQUEST_START, this.onRequest);
    this.inFlight.clear();
  }

  /** @internal */
  public setRef(id: number, ref: boolean): void {
    const timer = this.timers.get(id);
    if (timer) timer.ref = ref;
    this.arm();
  }

  /** @internal */
  public hasRef(id: number): boolean {
    return this.timers.get(id)?.ref ?? false;
  }

  /** @internal */
  public refresh(id: number): void {
    const timer = this.timers.get(id);
    if (!timer) return;
    timer.due = this.now() + timer.ms;
    timer.seq = this.nextSeq++;
    this.changed();
  }

  /** @internal */
  public clear(id: number): void {
    if (this.timers.delete(id)) this.changed();
  }

  private add(fn: (...a: unknown[]) => void, ms: number | undefined, args: unknown[], repeat: boolean): WarpTimeout {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    // Whole milliseconds, so that Date.now() stays an integer as code expects (AbortSignal.timeout does).
    let delay = Math.ceil(Number(ms));
    if (!(delay >= 1 && delay <= TIMEOUT_MAX)) delay = 1;
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.now() + delay, seq: this.nextSeq++, fn, args, ms: delay, repeat, ref: true });
    this.changed();
    return new WarpTimeout(this, id);
  }

  private clearAny(handle: unknown, realClear: (h: any) => void): void {
    if (handle instanceof WarpTimeout) return this.clear(handle.id);
    if (typeof handle === 'number' && this.timers.has(handle)) return this.clear(handle);
    if (handle !== undefined && handle !== null) realClear(handle);
  }

  private earliest(): VirtualTimer | undefined {
    let first: VirtualTimer | undefined;
    for (const t of this.timers.values()) {
      if (!first || t.due < first.due || (t.due === first.due && t.seq < first.seq)) first = t;
    }
    return first;
  }

  private track(request: NodeJS.EventEmitter): void {
    this.inFlight.add(request);
    this.generation++;
    // 'close': the response was read to its end, or the request failed.
    request.once('close', () => {
      this.inFlight.delete(request);
      this.changed();
    });
  }

  private changed(): void {
    this.generation++;
    this.arm();
    this.checkIdle();
  }

  /** A real timer for the earliest virtual one, so that timers fire in real time while a jump is not allowed. */
  private arm(): void {
    const first = this.earliest();
    if (!first) {
      if (this.wake) this.real.clearTimeout(this.wake.handle);
      this.wake = undefined;
      return;
    }
    if (!this.wake || this.wake.at !== first.due) {
      if (this.wake) this.real.clearTimeout(this.wake.handle);
      const handle = this.real.setTimeout(() => {
        this.wake = undefined;
        this.fireDue();
      }, Math.max(0, first.due - this.now()));
      this.wake = { handle, at: first.due };
    }
    // Like Node: unref'd timers alone do not keep the process alive.
    if ([...this.timers.values()].some((t) => t.ref)) this.wake.handle.ref();
    else this.wake.handle.unref();
  }

  /** Fires the earliest timer if it is due (one per turn, so promises settle in between). */
  private fireDue(): void {
    const first = this.earliest();
    if (first && first.due <= this.now()) this.fire(first);
    else this.arm();
  }

  private fire(timer: VirtualTimer): void {
    if (timer.repeat) {
      timer.due = this.now() + timer.ms;
      timer.seq = this.nextSeq++;
    } else {
      this.timers.delete(timer.id);
    }
    this.changed();
    timer.fn(...timer.args);
  }

  private busy(): boolean {
    return this.inFlight.size > 0 || process.getActiveResourcesInfo().some((r) => REAL_WORK.has(r));
  }

  /**
   * Jumps to the earliest timer once the process has been idle for two turns of the event loop
   * (promises settled, I/O callbacks run) with nothing changed in between.
   */
  private checkIdle(): void {
    if (!this.warping || this.checkPending || this.timers.size === 0) return;
    this.checkPending = true;
    const generation = this.generation;
    setImmediate(() => {
      if (this.busy() || generation !== this.generation) {
        this.checkPending = false;
        // Busy with file system or DNS work that ends without telling: look again soon.
        if (this.inFlight.size === 0 && this.busy()) this.real.setTimeout(() => this.checkIdle(), 1).unref();
        else if (generation !== this.generation) this.checkIdle();
        return;
      }
      setImmediate(() => {
        this.checkPending = false;
        if (!this.warping) return;
        if (this.busy() || generation !== this.generation) return this.checkIdle();
        const first = this.earliest();
        if (!first) return;
        const ahead = first.due - this.now();
        if (ahead > 0) {
          this.skippedMs += ahead;
          this.jumps++;
        }
        this.fire(first);
      });
    });
  }
}
