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
  /** How long a replication takes to start (serverless: provisioning included). */
  readonly startMs: number;
  /** How long DMS stays `modifying` after a modify. */
  readonly modifyMs: number;
}

/** The DMS resources CloudFormation created, by kind. */
export interface CreatedDmsResources {
  readonly endpoints: string[];
  readonly instances: string[];
  readonly replicationConfigs: string[];
  readonly replicationTasks: string[];
}

/**
 * Stands in for the AWS account: when the driver "creates" an endpoint or a
 * replication instance, the same ARN comes to exist in the emulator, so the custom
 * resources find it. (Replication configs and tasks are created through the
 * emulator itself, see dmsResourceTypes: their ARNs follow their identifiers.)
 */
export function emulatedAccount(
  emulator: DmsEmulator,
  scenario: DemoScenario,
  template: any,
): { physicalId: PhysicalIdFunction; created: CreatedDmsResources } {
  const resources = Object.values(template.Resources ?? {}) as Array<{ Type: string; Properties?: any }>;
  const created: CreatedDmsResources = {
    endpoints: [],
    instances: [],
    replicationConfigs: resources.filter((r) => r.Type === 'AWS::DMS::ReplicationConfig')
      .map((r) => emulator.arnForIdentifier('replication-config', r.Properties.ReplicationConfigIdentifier)),
    replicationTasks: resources.filter((r) => r.Type === 'AWS::DMS::ReplicationTask')
      .map((r) => emulator.arnForIdentifier('task', r.Properties.ReplicationTaskIdentifier)),
  };
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
    }
    return id;
  };
  return { physicalId, created };
}
