import { DmsEmulator, DmsEmulatorOptions } from '../../tools/dms-emulator';

/**
 * Starts a DMS emulator for a test file and points the SDK (and so the handlers)
 * at it through the environment, as the Lambda runtime would see it.
 */
export function useEmulatedDms(options: DmsEmulatorOptions = {}): () => DmsEmulator {
  let emulator: DmsEmulator | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    emulator = await DmsEmulator.start(options);
    Object.assign(process.env, emulator.env());
  });
  afterAll(async () => {
    process.env = saved;
    await emulator?.close();
  });
  return () => emulator!;
}

/**
 * The replication's status once DMS shows `expected`, or the last one seen after `withinMs`
 * (simulated time in lifecycle suites). For steps that are done once DMS accepted a start (a
 * rollback's restore): DMS reaches `running` after the stack operation ended.
 */
export async function statusOnceSettled(emulator: DmsEmulator, arn: string, expected: string, withinMs = 10 * 60_000): Promise<string | undefined> {
  const until = Date.now() + withinMs;
  for (;;) {
    const status = emulator.replicationRun(arn)?.Status as string | undefined;
    if (status === expected || Date.now() >= until) return status;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
