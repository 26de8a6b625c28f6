/** `status --watch`: the renderer on a fake terminal, and the spawned CLI writing to a pipe. */
import { WatchRenderer } from '../cli/status-watch';
import { assertCliBundleFresh, spawnCli } from './support/cli-process';
import { cutoverReplication, SCENARIOS } from './support/cutover-scenarios';
import { useEmulatedDms } from './support/emulated-dms';

describe('the renderer', () => {
  test('on a terminal, each frame goes back up over the last one and clears below it', () => {
    const written: string[] = [];
    const renderer = new WatchRenderer({ write: (t) => written.push(t), isTTY: true });
    renderer.show('NOT READY\nsales.items loading\n', 'NOT READY (loading)');
    renderer.show('NOT READY\nsales.items loading\n', 'NOT READY (loading)');
    renderer.show('READY\n', 'READY');
    renderer.end('done');
    // The first frame as is; later ones first move up over the 2 lines drawn, then clear to the end of the screen.
    expect(written).toEqual([
      'NOT READY\nsales.items loading\n',
      '\x1b[2F\x1b[0JNOT READY\nsales.items loading\n',
      '\x1b[2F\x1b[0JREADY\n',
      'done\n',
    ]);
  });

  test('elsewhere, one line per change and no escapes', () => {
    const written: string[] = [];
    const renderer = new WatchRenderer({ write: (t) => written.push(t), isTTY: false });
    renderer.show('frame 1', 'NOT READY (loading)');
    renderer.show('frame 2', 'NOT READY (loading)');
    renderer.show('frame 3', 'READY');
    // A line whose clock differs but whose change does not is not printed again.
    renderer.show('frame 4', '[later] READY', 'READY');
    expect(written).toEqual(['NOT READY (loading)\n', 'READY\n']);
  });
});

describe('the CLI, its output not a terminal', () => {
  const dms = useEmulatedDms();
  beforeAll(assertCliBundleFresh);
  const watch = (arn: string, ...extra: string[]) => spawnCli(['status', '--replication-config-arn', arn, '--watch', '--poll-interval', '1s', ...extra], dms().env());

  test('a line each time what holds readiness back changes, until ready: exit 0', async () => {
    const run = await watch(cutoverReplication(dms(), SCENARIOS.loadsThenReady)).ended;
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(run.stdout).not.toMatch(/\x1b/);
    // The first look (its clock counts from the watch's start); on a busy machine the CLI may start after the load ended.
    expect(lines[0]).toMatch(/^\[\S+Z, \d+s\] NOT READY \((loading|validation-pending)\); replication running: 1 of 2 table\(s\) not ready; sales\.items: /);
    expect(lines.some((l) => /NOT READY \(validation-pending\)/.test(l))).toBe(true);
    expect(lines[lines.length - 2]).toMatch(/\] READY; replication running: all 2 table\(s\) ready/);
    expect(lines[lines.length - 1]).toMatch(/cut-over readiness: READY$/);
    // One line per change, not per look (it looks every second for about 4 s).
    expect(new Set(lines.map((l) => l.replace(/^\[[^\]]*\] /, ''))).size).toBe(lines.length);
  }, 30_000);

  test('Ctrl-C: a clean exit 0 with the last view', async () => {
    const run = watch(cutoverReplication(dms(), SCENARIOS.loading));
    let ended;
    try {
      // Until the first look is printed (a spawned CLI starts slowly on a busy machine).
      for (const until = Date.now() + 15_000; !/NOT READY \(loading/.test(run.stdout()) && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
      expect(run.stdout()).toMatch(/NOT READY \(loading/);
    } finally {
      run.interrupt();
      ended = await run.ended;
    }
    expect(ended.code).toBe(0);
    expect(ended.stderr).toBe('');
    expect(ended.stdout).toMatch(/stopped watching \(interrupted\); last seen NOT READY\n$/);
  }, 30_000);

  test('a replication that stops for good while watched: exit 1, in DMS\'s words', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.loading);
    dms().interruptReplication(arn, { afterMs: 1_500, stopReason: 'Stop Reason FATAL_ERROR', failureMessages: ['Last Error Disk full'] });
    const run = await watch(arn).ended;
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n').pop()).toMatch(/cut-over readiness: the replication stopped and DMS does not restart it by itself: .*Stop Reason FATAL_ERROR.*Disk full.*; it will not become ready by itself$/);
  }, 30_000);

  test('a stop DMS recovers from by itself is watched through, until ready: exit 0', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.ready);
    dms().interruptReplication(arn, { stopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessages: ['Network error'], recoversAfterMs: 2_500 });
    const run = await watch(arn).ended;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/NOT READY \(replication-recovering\)/);
    expect(run.stdout).toMatch(/cut-over readiness: READY\n$/);
  }, 30_000);

  test('--watch with --json is refused: exit 2', async () => {
    const run = await watch(cutoverReplication(dms(), SCENARIOS.ready), '--json').ended;
    expect(run.code).toBe(2);
    expect(run.json.message).toMatch(/give either --watch or --json/);
  });
});
