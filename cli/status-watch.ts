import { StatusCommand } from './arguments';
import { readinessTable } from './status';
import {
  cloudWatchClient,
  describeTarget,
  DmsOperationFailed,
  dmsClient,
  errorCode,
  formatDuration,
  isTransient,
  readinessSummary,
  ReadinessReport,
  readReadiness,
} from '../lambda/dms';

/** Where the watch draws: stdout, or a fake terminal in tests. */
export interface WatchStream {
  /** True on a terminal: redraw in place; otherwise one line per change. */
  readonly isTTY?: boolean;
  write(text: string): void;
}

/**
 * Draws what a watch sees. On a terminal each frame replaces the last (the cursor goes back
 * up over it and the rest of the screen is cleared); elsewhere, where escapes would only
 * litter a log, a line is printed when the one-line summary changes.
 */
export class WatchRenderer {
  private drawnLines = 0;
  private lastChange?: string;

  public constructor(private readonly stream: WatchStream) {}

  public get redraws(): boolean {
    return this.stream.isTTY === true;
  }

  /** One look: the full view for a terminal, the line for a log (printed when `change`, by default the line, differs from the last). */
  public show(view: string, line: string, change: string = line): void {
    if (this.redraws) {
      const text = view.endsWith('\n') ? view : `${view}\n`;
      // Up to the first line of the last frame, then clear to the end of the screen.
      const erase = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
      this.stream.write(`${erase}${text}`);
      this.drawnLines = text.split('\n').length - 1;
    } else if (change !== this.lastChange) {
      this.stream.write(`${line}\n`);
    }
    this.lastChange = change;
  }

  /** The last word, below the last frame (a terminal keeps the frame). */
  public end(line: string): void {
    this.stream.write(`${line}\n`);
    this.drawnLines = 0;
  }
}

/** How a watch ended: ready (exit 0), stopped for good, failed or a DMS error (exit 1), or interrupted (exit 0). */
export type WatchEnd = 'ready' | 'stopped' | 'interrupted';

/**
 * `status --watch`: looks at readiness every interval until the replication is ready, it
 * failed or stopped for good (it will not become ready by itself; a RECOVERABLE_ERROR is
 * watched on), or `interrupt` fires (Ctrl-C).
 * A look that DMS or CloudWatch did not answer (throttling, a dropped connection) is shown
 * and looked at again; other errors end the watch.
 */
export async function watchStatus(command: StatusCommand, stream: WatchStream, interrupt: AbortSignal): Promise<{ end: WatchEnd; message: string }> {
  const clients = { dms: dmsClient(command.region), cloudWatch: cloudWatchClient(command.region) };
  const subject = `${describeTarget(command.target)} cut-over readiness`;
  const renderer = new WatchRenderer(stream);
  const intervalMs = command.watch!.intervalMs;
  const began = Date.now();
  let last: ReadinessReport | undefined;
  while (!interrupt.aborted) {
    const clock = `[${new Date().toISOString().slice(0, 19)}Z, ${formatDuration(Date.now() - began)}]`;
    try {
      last = await readReadiness(clients, command.target, command.readiness);
      const footer = `\n${clock} looking every ${formatDuration(intervalMs)}; Ctrl-C to stop`;
      const line = watchLine(last);
      renderer.show(`${readinessTable(subject, last, command.readiness)}${footer}`, `${clock} ${line}`, line);
      if (last.ready) return finish(renderer, 'ready', `${subject}: READY`);
      // Stopped for good (stop-reason.ts; a stop DMS recovers from by itself is watched on): in DMS's words.
      if (last.stoppedForGood) return finish(renderer, 'stopped', `${subject}: ${last.stoppedForGood}; it will not become ready by itself`);
    } catch (err) {
      // A failed or stopped replication (readiness fails fast on it), or a DMS error that persists: in DMS's words.
      if (err instanceof DmsOperationFailed && !isTransient(err)) return finish(renderer, 'stopped', err.message);
      if (!isTransient(err)) throw err;
      const line = `look failed (${errorCode(err)}); looking again`;
      renderer.show(`${clock} ${line}`, `${clock} ${line}`, line);
    }
    await pause(intervalMs, interrupt);
  }
  return finish(renderer, 'interrupted', `${subject}: stopped watching (interrupted)${last ? `; last seen ${last.ready ? 'READY' : 'NOT READY'}` : ''}`);
}

/** The line a log gets per change: the verdict, the reasons' codes, and the summary. */
export function watchLine(report: ReadinessReport): string {
  const codes = [...new Set(report.allFindings.map((f) => f.code))];
  return `${report.ready ? 'READY' : `NOT READY (${codes.join(', ')})`}; replication ${report.replicationStatus}: ${readinessSummary(report)}`;
}

function finish(renderer: WatchRenderer, end: WatchEnd, message: string): { end: WatchEnd; message: string } {
  renderer.end(message);
  return { end, message };
}

/** Sleeps `ms`, or less when interrupted. */
function pause(ms: number, interrupt: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      interrupt.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    interrupt.addEventListener('abort', done, { once: true });
  });
}
