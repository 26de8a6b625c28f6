import { randomBytes } from 'node:crypto';
import type { AskedBy } from '../lambda/dms';

/**
 * Who asks DMS in the record of intent (lambda/dms/intent-record.ts): this one invocation of
 * the CLI, unique (command, time, random suffix) so that its asks are told from every other's.
 */
export function cliAsker(command: string): { readonly by: AskedBy } {
  return { by: { cli: `cdk-dms-lifecycle ${command} ${new Date().toISOString()} ${randomBytes(3).toString('hex')}` } };
}
