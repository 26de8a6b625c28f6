import { Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk-dms-lifecycle';
import { DatabaseSettings, MigrationConfig } from './migration-config';
import {
  ConnectionPrecondition,
  DmsConnectionTest,
  DmsLifecycleProviders,
  DmsPremigrationAssessment,
  DmsReplicationRun,
  DmsSchemaRefresh,
  ReplicationWaitFor,
  SchemaRefreshOutputs,
} from '../../src';

export interface DmsMigrationStackProps extends StackProps {
  readonly config: MigrationConfig;
}

/**
 * A PostgreSQL → Aurora PostgreSQL migration: a replication instance, both
 * endpoints, connection tests, a source schema refresh, and the replication twice
 * (DMS Serverless config and classic task) — each created only after the refresh
 * finished, assessed (premigration assessment) before it starts, started once the
 * assessment passed, stopped and resumed around every change
 * CloudFormation makes to it, and stopped before CloudFormation deletes it.
 */
export class DmsMigrationStack extends Stack {
  public readonly refresh: DmsSchemaRefresh;
  /** Outputs a pipeline step can read: the refresh status and date. */
  public readonly refreshOutputs: SchemaRefreshOutputs;
  /** The endpoints and instance, for steps that call DMS themselves. */
  public readonly sourceEndpoint: dms.CfnEndpoint;
  public readonly targetEndpoint: dms.CfnEndpoint;
  public readonly instance: dms.CfnReplicationInstance;
  /** The running replications: their status and start type are attributes a pipeline can read. */
  public readonly serverlessRun: DmsReplicationRun;
  public readonly taskRun: DmsReplicationRun;
  /** The premigration assessments that gate the runs: status, counts and report location are attributes. */
  public readonly serverlessAssessment: DmsPremigrationAssessment;
  public readonly taskAssessment: DmsPremigrationAssessment;

  public constructor(scope: Construct, id: string, props: DmsMigrationStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.vpcId) this.placeHandlers(config.vpcId, config.subnetIds);

    const subnets = new dms.CfnReplicationSubnetGroup(this, 'Subnets', {
      replicationSubnetGroupDescription: 'DMS migration subnets',
      subnetIds: config.subnetIds,
    });
    const instance = new dms.CfnReplicationInstance(this, 'Instance', {
      replicationInstanceClass: 'dms.t3.medium',
      replicationSubnetGroupIdentifier: subnets.ref,
      publiclyAccessible: false,
      allocatedStorage: 50,
    });
    const source = this.endpoint('Source', 'source', config.source, config.secretsAccessRoleArn);
    const target = this.endpoint('Target', 'target', config.target, config.secretsAccessRoleArn);
    this.sourceEndpoint = source;
    this.targetEndpoint = target;
    this.instance = instance;

    // 1. Both connections are tested (the database's own error fails the deploy).
    const sourceTested = new DmsConnectionTest(this, 'TestSource', { endpointArn: source.ref, replicationInstanceArn: instance.ref });
    const targetTested = new DmsConnectionTest(this, 'TestTarget', { endpointArn: target.ref, replicationInstanceArn: instance.ref });

    // 2. The source schemas are refreshed once its connection test passed.
    this.refresh = new DmsSchemaRefresh(this, 'RefreshSource', {
      endpointArn: source.ref,
      replicationInstanceArn: instance.ref,
      refreshTrigger: config.schemaVersion,
      connectionPrecondition: ConnectionPrecondition.NONE, // TestSource covers it
    });
    this.refresh.node.addDependency(sourceTested);
    this.refreshOutputs = this.refresh.addOutputs();

    const tableMappings = {
      rules: config.schemas.map((schema, i) => ({
        'rule-type': 'selection',
        'rule-id': String(i + 1),
        'rule-name': schema,
        'object-locator': { 'schema-name': schema, 'table-name': '%' },
        'rule-action': 'include',
      })),
    };

    // 3a. DMS Serverless replication, created after the refresh and the target test.
    const serverless = new dms.CfnReplicationConfig(this, 'ServerlessReplication', {
      replicationConfigIdentifier: `${this.stackName.toLowerCase()}-sales`,
      replicationType: 'full-load-and-cdc',
      sourceEndpointArn: source.ref,
      targetEndpointArn: target.ref,
      computeConfig: { maxCapacityUnits: 16, replicationSubnetGroupId: subnets.ref },
      tableMappings,
    });
    serverless.node.addDependency(this.refresh, targetTested);
    // Started after create; stopped before and resumed after every modify; stopped before delete.
    // The deploy waits only until DMS accepted the start: serverless capacity provisioning can
    // take longer than CloudFormation's hour (a pipeline step waits with `wait-replication`).
    this.serverlessRun = DmsReplicationRun.forReplicationConfig(this, 'RunServerlessReplication', serverless);
    // Assessed first: DMS runs the assessment inside the start and starts the replication only if
    // it passes, so the run finds it started; a failed check fails the deploy with the checks named.
    this.serverlessAssessment = DmsPremigrationAssessment.forReplicationConfig(this, 'AssessServerlessReplication', serverless);
    this.serverlessAssessment.gate(this.serverlessRun);

    // 3b. The same with a classic replication task on the instance.
    const task = new dms.CfnReplicationTask(this, 'ReplicationTask', {
      replicationTaskIdentifier: `${this.stackName.toLowerCase()}-sales-task`,
      migrationType: 'full-load-and-cdc',
      replicationInstanceArn: instance.ref,
      sourceEndpointArn: source.ref,
      targetEndpointArn: target.ref,
      tableMappings: JSON.stringify(tableMappings),
    });
    task.node.addDependency(this.refresh, targetTested);
    // The classic task: the deploy waits until it runs.
    this.taskRun = DmsReplicationRun.forReplicationTask(this, 'RunReplicationTask', task, { waitFor: ReplicationWaitFor.RUNNING });
    // The task's assessment writes its report to a bucket of this stack; it runs again when the
    // table mappings change (between the modify and the resume).
    this.taskAssessment = DmsPremigrationAssessment.forReplicationTask(this, 'AssessReplicationTask', task);
    this.taskAssessment.gate(this.taskRun);
    this.taskAssessment.addOutputs();
  }

  /** The lifecycle handlers in the migration's subnets, their logs encrypted with a key of this stack. */
  private placeHandlers(vpcId: string, subnetIds: string[]): void {
    DmsLifecycleProviders.configure(this, {
      // Only the VPC id is needed: the subnets are named below.
      vpc: ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones: Fn.getAzs() }),
      vpcSubnets: { subnets: subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i + 1}`, id)) },
      logEncryptionKey: new kms.Key(this, 'LifecycleLogKey', {
        description: 'Encrypts the logs of the DMS lifecycle handlers',
        enableKeyRotation: true,
      }),
    });
  }

  private endpoint(id: string, type: 'source' | 'target', db: DatabaseSettings, accessRoleArn: string): dms.CfnEndpoint {
    return new dms.CfnEndpoint(this, id, {
      endpointType: type,
      engineName: db.engineName,
      serverName: db.serverName,
      port: db.port,
      databaseName: db.databaseName,
      sslMode: 'require',
      postgreSqlSettings: { secretsManagerSecretId: db.secretArn, secretsManagerAccessRoleArn: accessRoleArn },
    });
  }
}
