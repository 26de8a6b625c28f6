/**
 * `AWS::DMS::ReplicationConfig` and `AWS::DMS::ReplicationTask` as CloudFormation's resource
 * handlers run them: Create / Modify / Delete calls to DMS (here: a local emulator), so a
 * modify of a running replication fails the update the way it does on AWS.
 */
import {
  CreateReplicationConfigCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DeleteReplicationConfigCommand,
  DeleteReplicationTaskCommand,
  ModifyReplicationConfigCommand,
  ModifyReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import type { ResourceTypeHandler } from './types';
import { REPLACED_ON_CHANGE } from '../../src/private/replication-replacement';

/** Where DMS answers: an emulator's `url` and `region`. */
export interface DmsService {
  readonly url: string;
  readonly region: string;
}

/** JSON-typed properties (table mappings, settings) go to DMS as strings. */
const asJson = (value: unknown) => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value));
const dateOf = (value: unknown) => (value === undefined ? undefined : new Date(Number(value) * 1000));

/**
 * The two DMS resource types, for {@link LifecycleDriverOptions.resourceTypes}. A DMS error
 * becomes the resource's status reason, in the words CloudFormation uses.
 */
export function dmsResourceTypes(dms: DmsService): Record<string, ResourceTypeHandler> {
  const client = new DatabaseMigrationServiceClient({
    endpoint: dms.url,
    region: dms.region,
    credentials: { accessKeyId: 'cloudformation', secretAccessKey: 'cloudformation' },
  });
  const call = async <T>(send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      if (err.name === 'ResourceNotFoundFault') throw Object.assign(new Error(err.message), { name: err.name });
      throw new Error(
        `Resource handler returned message: "${err.message} (Service: DatabaseMigration, Status Code: ${err.$metadata?.httpStatusCode ?? 400})" `
        + `(HandlerErrorCode: ${err.name === 'InvalidResourceStateFault' ? 'ResourceConflict' : 'InvalidRequest'})`,
      );
    }
  };
  const gone = (e: unknown) => {
    if ((e as Error).name !== 'ResourceNotFoundFault') throw e;
  };
  const configFields = (p: any) => ({
    ReplicationConfigIdentifier: p.ReplicationConfigIdentifier,
    ReplicationType: p.ReplicationType,
    SourceEndpointArn: p.SourceEndpointArn,
    TargetEndpointArn: p.TargetEndpointArn,
    ComputeConfig: p.ComputeConfig,
    TableMappings: asJson(p.TableMappings),
    ReplicationSettings: asJson(p.ReplicationSettings),
    SupplementalSettings: asJson(p.SupplementalSettings),
  });
  const taskFields = (p: any) => ({
    MigrationType: p.MigrationType,
    SourceEndpointArn: p.SourceEndpointArn,
    TargetEndpointArn: p.TargetEndpointArn,
    TableMappings: asJson(p.TableMappings),
    ReplicationTaskSettings: asJson(p.ReplicationTaskSettings),
    CdcStartTime: dateOf(p.CdcStartTime),
    CdcStartPosition: p.CdcStartPosition,
    CdcStopPosition: p.CdcStopPosition,
  });
  return {
    'AWS::DMS::ReplicationConfig': {
      replacedOnChange: REPLACED_ON_CHANGE['AWS::DMS::ReplicationConfig'],
      async create(_logicalId, p) {
        const input = { ...configFields(p), ResourceIdentifier: p.ResourceIdentifier };
        const out = await call(() => client.send(new CreateReplicationConfigCommand(input)));
        return out.ReplicationConfig!.ReplicationConfigArn!;
      },
      async update(arn, p) {
        await call(() => client.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, ...configFields(p) })));
      },
      async delete(arn) {
        await call(() => client.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: arn }))).catch(gone);
      },
    },
    'AWS::DMS::ReplicationTask': {
      replacedOnChange: REPLACED_ON_CHANGE['AWS::DMS::ReplicationTask'],
      async create(logicalId, p) {
        const identifier = p.ReplicationTaskIdentifier ?? logicalId.toLowerCase();
        const out = await call(() => client.send(new CreateReplicationTaskCommand({
          ...taskFields(p),
          ReplicationTaskIdentifier: identifier,
          ReplicationInstanceArn: p.ReplicationInstanceArn,
          ResourceIdentifier: p.ResourceIdentifier,
        })));
        return out.ReplicationTask!.ReplicationTaskArn!;
      },
      async update(arn, p) {
        const input = { ReplicationTaskArn: arn, ReplicationTaskIdentifier: p.ReplicationTaskIdentifier, ...taskFields(p) };
        await call(() => client.send(new ModifyReplicationTaskCommand(input)));
      },
      async delete(arn) {
        await call(() => client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }))).catch(gone);
      },
    },
  };
}
