import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';

export interface SynthesizedStack {
  readonly assemblyDir: string;
  readonly stackName: string;
  readonly template: any;
}

/** Synthesizes a one-stack app into a fresh temporary cloud assembly. */
export function synthStack(build: (stack: Stack) => void, stackName = 'LifecycleTest'): SynthesizedStack {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-dms-lifecycle-')) });
  const stack = new Stack(app, stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const assembly = app.synth();
  return { assemblyDir: assembly.directory, stackName, template: assembly.getStackByName(stackName).template };
}
