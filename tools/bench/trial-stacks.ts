/**
 * The two stacks the provider trials deploy, synthesized once each: ours (a DmsSchemaRefresh
 * with default settings) and the baseline (PlainSchemaRefresh). The endpoint and replication
 * instance ARNs are template parameters, so every trial deploys the same assembly with its
 * own emulator endpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { DmsSchemaRefresh } from '../../src';
import { HandlerEnv } from '../../src/private/handler-contract';
import { readWaiterRetryPolicy, WaiterRetryPolicy } from '../lifecycle';
import { PlainSchemaRefresh } from './naive-provider/plain-schema-refresh';

export type ProviderUnderTest = 'ours' | 'plain';

/** A synthesized trial stack. */
export interface TrialStack {
  readonly assemblyDir: string;
  readonly stackName: string;
  /** Logical id of the refresh custom resource. */
  readonly logicalId: string;
  /** The waiter's isComplete retry policy as synthesized (queryInterval, attempts). */
  readonly waiter: WaiterRetryPolicy;
  /** How long one isComplete invocation keeps polling DMS (0: it checks once). */
  readonly pollBudgetSeconds: number;
}

/** Template parameter names of the ARNs. */
export const ENDPOINT_PARAMETER = 'EndpointArn';
export const INSTANCE_PARAMETER = 'ReplicationInstanceArn';

export function synthTrialStack(provider: ProviderUnderTest, plainCodeDir: string, parentDir: string): TrialStack {
  const stackName = provider === 'ours' ? 'BenchOurs' : 'BenchPlain';
  const app = new App({ outdir: fs.mkdtempSync(path.join(parentDir, `${stackName}-`)) });
  const stack = new Stack(app, stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  const endpointArn = new CfnParameter(stack, ENDPOINT_PARAMETER).valueAsString;
  const replicationInstanceArn = new CfnParameter(stack, INSTANCE_PARAMETER).valueAsString;
  if (provider === 'ours') {
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn, replicationInstanceArn });
  } else {
    new PlainSchemaRefresh(stack, 'Refresh', { endpointArn, replicationInstanceArn, codeDirectory: plainCodeDir });
  }
  const assembly = app.synth();
  const template = assembly.getStackByName(stackName).template;
  const resources = Object.entries<any>(template.Resources);
  const logicalId = resources.find(([, r]) => r.Type.startsWith('Custom::'))![0];
  const machine = resources.find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')![1];
  const budget = resources.map(([, r]) => r.Properties?.Environment?.Variables?.[HandlerEnv.POLL_BUDGET_SECONDS]).find((v) => v !== undefined);
  return {
    assemblyDir: assembly.directory,
    stackName,
    logicalId,
    waiter: waiterPolicy(machine.Properties.DefinitionString),
    pollBudgetSeconds: budget !== undefined ? Number(budget) : 0,
  };
}

/** The waiter's retry policy; its definition is a Fn::Join of JSON text and function ARNs. */
function waiterPolicy(definition: any): WaiterRetryPolicy {
  const parts: unknown[] = typeof definition === 'string' ? [definition] : definition['Fn::Join'][1];
  return readWaiterRetryPolicy(parts.map((p) => (typeof p === 'string' ? p : 'arn')).join(''));
}
