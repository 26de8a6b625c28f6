/**
 * The simulated time the lifecycle suites run on (tools/lifecycle/time-warp.ts), installed on
 * a global object of its own here so that jest's timers stay real.
 */
import { createServer, request, type Server } from 'http';
import type { AddressInfo } from 'net';
import { TimeWarp } from '../tools/lifecycle/time-warp';

type Globals = Pick<typeof globalThis, 'Date' | 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;
let g: Globals;
let warp: TimeWarp;
beforeEach(() => {
  g = { Date, setTimeout, clearTimeout, setInterval, clearInterval };
  warp = TimeWarp.install(g);
});
afterEach(() => warp.dispose());

const wallNow = () => performance.now();
const after = (ms: number) => new Promise<void>((resolve) => g.setTimeout(resolve, ms));

test('a 10-minute wait takes milliseconds, and the clock (Date.now, new Date, Date()) moves by 10 minutes', async () => {
  const [simulatedStart, wallStart] = [g.Date.now(), wallNow()];
  await after(10 * 60_000);
  expect(wallNow() - wallStart).toBeLessThan(2_000);
  expect(g.Date.now() - simulatedStart).toBeGreaterThanOrEqual(10 * 60_000);
  expect(Math.abs(new g.Date().getTime() - g.Date.now())).toBeLessThan(50);
  expect(new g.Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  expect(new g.Date() instanceof Date).toBe(true);
  expect(typeof (g.Date as unknown as () => string)()).toBe('string');
  expect(Number.isInteger(g.Date.now())).toBe(true);
});

test('timers fire in the order they are due (creation order on a tie); cleared ones never; intervals repeat', async () => {
  const fired: string[] = [];
  g.setTimeout(() => fired.push('30 s'), 30_000);
  g.setTimeout(() => fired.push('5 s'), 5_000);
  g.setTimeout(() => fired.push('5 s, second'), 5_000);
  const cleared = g.setTimeout(() => fired.push('cleared'), 1_000);
  g.clearTimeout(cleared);
  let ticks = 0;
  const interval = g.setInterval(() => {
    fired.push(`tick ${++ticks}`);
    if (ticks === 3) g.clearInterval(interval);
  }, 4_000);
  await after(60_000);
  expect(fired).toEqual(['tick 1', '5 s', '5 s, second', 'tick 2', 'tick 3', '30 s']);
});

test('no jump while an HTTP request is under way: a timer due meanwhile waits for real time', async () => {
  let server: Server | undefined;
  try {
    server = createServer((_req, res) => setTimeout(() => res.end('late'), 400));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const events: string[] = [];
    const started = g.Date.now();
    g.setTimeout(() => events.push(`timer at ${g.Date.now() - started}`), 60_000);
    await new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', agent: false }, (res) => {
        res.resume();
        res.on('end', () => {
          events.push('answer');
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
    await after(120_000);
    expect(events[0]).toBe('answer');
    expect(events[1]).toMatch(/^timer at 6\d{4}$/);
  } finally {
    server?.close();
    server?.closeAllConnections();
  }
});

test('after dispose, time passes in real time again and never goes back', async () => {
  await after(60_000);
  const before = g.Date.now();
  warp.dispose();
  const wallStart = wallNow();
  await after(200);
  expect(wallNow() - wallStart).toBeGreaterThanOrEqual(190);
  expect(g.Date.now()).toBeGreaterThanOrEqual(before + 200);
});

test('an unref\'d timer reports so and still fires', async () => {
  const fired = jest.fn();
  const timer = g.setTimeout(fired, 1_000);
  expect(timer.hasRef()).toBe(true);
  timer.unref();
  expect(timer.hasRef()).toBe(false);
  await after(2_000);
  expect(fired).toHaveBeenCalledTimes(1);
});
