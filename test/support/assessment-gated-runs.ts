/**
 * The stacks the premigration-assessment lifecycle suites deploy: a replication config and a
 * classic task, each with a DmsPremigrationAssessment that gates its DmsReplicationRun, deployed
 * by a LifecycleDriver through the suite's DMS emulator; and how those suites read what DMS was asked.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { replicationConfig, replicationTask } from './replication-stack';
import { synthStack } from './synth';
import { DmsPremigrationAssessment, DmsPremigrationAssessmentOptions, DmsReplicationRun, ReplicationWaitFor } from '../../src';
import type { DmsEmulator } from '../../tools/dms-emulator';
import { dmsResourceTypes, LifecycleDriver, StackOperationResult } from '../../tools/lifecycle';

export interface AssessmentGatedRunsShape {
  /** The schema the table mappings select. @default sales */
  readonly schema?: string;
  /** Which of the two to build. @default both */
  readonly kinds?: ReadonlyArray<'Config' | 'Task'>;
  readonly assessment?: DmsPremigrationAssessmentOptions;
}

/** The handlers' read-lag, refusal and start-retry graces, short enough for a test. */
export const SHORT_GRACES = { DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '2', DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '2', DMS_LIFECYCLE_START_RETRY_SECONDS: '1' };

/**
 * Stack builders for one suite: `app` synthesizes the stack, `driverFor` deploys it (with
 * SHORT_GRACES and any `env` on top of the emulator's), `next` names a fresh stack
 * `<namePrefix><n>` with its config's and task's ARNs known before CloudFormation creates them.
 */
export function assessmentGatedRunStacks(dms: () => DmsEmulator, namePrefix: string) {
  let n = 0;
  function app(name: string, shape: AssessmentGatedRunsShape = {}) {
    return synthStack((stack: Stack) => {
      const config = replicationConfig(stack, name, shape.schema ?? 'sales');
      const task = replicationTask(stack, name, shape.schema ?? 'sales');
      const wait = { pollInterval: Duration.seconds(1) };
      const runOptions = { ...wait, waitFor: ReplicationWaitFor.RUNNING, cdcStartTime: '2026-11-01T00:00:00Z' };
      const kinds = shape.kinds ?? ['Config', 'Task'];
      if (kinds.includes('Config')) {
        DmsPremigrationAssessment.forReplicationConfig(stack, 'AssessConfig', config, { ...wait, ...shape.assessment })
          .gate(DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, runOptions));
      }
      if (kinds.includes('Task')) {
        DmsPremigrationAssessment.forReplicationTask(stack, 'AssessTask', task, { ...wait, ...shape.assessment })
          .gate(DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, runOptions));
      }
    }, name);
  }
  function driverFor(name: string, shape: AssessmentGatedRunsShape = {}, env: Record<string, string> = {}) {
    return new LifecycleDriver({
      assemblyDir: app(name, shape).assemblyDir,
      stackName: name,
      env: { ...dms().env(), ...SHORT_GRACES, ...env },
      resourceTypes: dmsResourceTypes(dms()),
    });
  }
  function next() {
    const name = `${namePrefix}${++n}`;
    return { name, configArn: dms().arnForIdentifier('replication-config', `${name}-config`), taskArn: dms().arnForIdentifier('task', `${name}-task`) };
  }
  return { app, driverFor, next };
}

/** The first line of each failure reason (the framework adds the log group), by logical id without its hash. */
export const failureReasonsOf = (result: StackOperationResult) =>
  Object.fromEntries(result.failures.map((f) => [f.logicalId.replace(/[A-F0-9]{8}$/, ''), f.reason.split('\n')[0]]));

/**
 * Every call but the Describes on one config or task, in order, as `Operation(start type)`,
 * `+assessment` when it carried PremigrationAssessmentSettings, and `!ErrorCode` when DMS refused it.
 */
export const nonDescribeCallsOn = (dms: DmsEmulator, arn: string) => dms.calls
  .filter((c) => (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn && !c.operation.startsWith('Describe'))
  .map((c) => `${c.operation}${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType ? `(${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType})` : ''}`
    + `${c.input?.PremigrationAssessmentSettings ? '+assessment' : ''}${c.errorCode ? `!${c.errorCode}` : ''}`);
