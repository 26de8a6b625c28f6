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
