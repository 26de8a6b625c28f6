import { DmsEmulator } from '../dms-emulator';
import { defaultPhysicalId, PhysicalIdFunction } from '../lifecycle';

/** How the emulated DMS behaves for the demo's resources. */
export interface DemoScenario {
  /** How long a schema refresh takes in DMS. */
  readonly refreshMs: number;
  /** How long a connection test takes. */
  readonly connectionTestMs: number;
  /** How long a running replication takes to stop. */
  readonly stopMs: number;
}

/** The DMS resources CloudFormation created, by kind. */
export interface CreatedDmsResources {
  readonly endpoints: string[];
  readonly instances: string[];
  readonly replicationConfigs: string[];
  readonly replicationTasks: string[];
}

/**
 * Stands in for the AWS account: when the driver "creates" a DMS resource, the
 * same ARN comes to exist in the emulator, so the custom resources find it.
 */
export function emulatedAccount(emulator: DmsEmulator, scenario: DemoScenario): { physicalId: PhysicalIdFunction; created: CreatedDmsResources } {
  const created: CreatedDmsResources = { endpoints: [], instances: [], replicationConfigs: [], replicationTasks: [] };
  const physicalId: PhysicalIdFunction = (logicalId, resourceType, properties, context) => {
    const id = defaultPhysicalId(logicalId, resourceType, properties, context);
    switch (resourceType) {
      case 'AWS::DMS::ReplicationInstance':
        emulator.addReplicationInstance(id);
        created.instances.push(id);
        break;
      case 'AWS::DMS::Endpoint':
        emulator.addEndpoint(id, { refreshDurationMs: scenario.refreshMs });
        created.endpoints.push(id);
        for (const instance of created.instances) {
          emulator.setConnectionBehavior(id, instance, { testDurationMs: scenario.connectionTestMs });
        }
        break;
      case 'AWS::DMS::ReplicationConfig':
        emulator.addReplication(id, { status: 'created', stopDurationMs: scenario.stopMs });
        created.replicationConfigs.push(id);
        break;
      case 'AWS::DMS::ReplicationTask':
        emulator.addReplicationTask(id, { status: 'ready', stopDurationMs: scenario.stopMs });
        created.replicationTasks.push(id);
        break;
    }
    return id;
  };
  return { physicalId, created };
}

/** What a user (or a pipeline step) does after the deploy: start the replications. */
export function startReplications(emulator: DmsEmulator, created: CreatedDmsResources, stopMs: number): void {
  for (const arn of created.replicationConfigs) emulator.addReplication(arn, { status: 'running', stopDurationMs: stopMs });
  for (const arn of created.replicationTasks) emulator.addReplicationTask(arn, { status: 'running', stopDurationMs: stopMs });
}
