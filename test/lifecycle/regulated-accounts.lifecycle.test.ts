/**
 * The three constructs deployed and destroyed with the regulated-account options set (VPC,
 * encrypted logs, reserved concurrency), on the BUNDLED handler assets against the DMS
 * emulator. The driver ignores network placement and encryption, so this pins down that
 * the code path which sets them yields a stack that deploys, and that it is the one tested.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DmsConnectionTest, DmsLifecycleProviders, DmsReplicationTeardown, DmsSchemaRefresh } from '../../src';
import { LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms();

test('refresh, connection test and teardown deploy and destroy with vpc, logEncryptionKey and reserved concurrency', async () => {
  const endpointArn = dms().endpointArn('REG');
  const replicationInstanceArn = dms().instanceArn('REGI');
  const replicationConfigArn = dms().replicationConfigArn('REGC');
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_500 });
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 1_000 });
  dms().addReplication(replicationConfigArn, { status: 'running', stopDurationMs: 1_000 });

  const synth = synthStack((stack: Stack) => {
    DmsLifecycleProviders.configure(stack, {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'], isolatedSubnetIds: ['subnet-a', 'subnet-b'] }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      logEncryptionKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }),
      reservedConcurrentExecutions: 2,
    });
    const pollInterval = Duration.seconds(1);
    const tested = new DmsConnectionTest(stack, 'Test', { endpointArn, replicationInstanceArn, pollInterval });
    const refresh = new DmsSchemaRefresh(stack, 'Refresh', { endpointArn, replicationInstanceArn, pollInterval });
    refresh.node.addDependency(tested);
    new DmsReplicationTeardown(stack, 'Stop', { replicationConfigArn, pollInterval });
    new CfnOutput(stack, 'RefreshStatus', { value: refresh.refreshStatus });
  }, 'Regulated');

  // The synthesized functions are the placed ones (what the driver then runs).
  const functions = Object.values<any>(synth.template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions).toHaveLength(15);
  for (const fn of functions) expect(fn.Properties.VpcConfig.SubnetIds).toEqual(['subnet-a', 'subnet-b']);

  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  const deployed = await driver.deploy();
  expect(deployed.failures).toEqual([]);
  expect(deployed.status).toBe('CREATE_COMPLETE');
  expect(driver.outputs()).toEqual({ RefreshStatus: 'successful' });
  expect(dms().callsTo('TestConnection')).toHaveLength(1);

  const destroyed = await driver.destroy();
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(dms().replication(replicationConfigArn)?.Status).toBe('stopped');
}, 60_000);
