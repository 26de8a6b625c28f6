import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateEndpointPair } from './private/dms-arn';
import { Attribute, SchemaRefreshProperties } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { waitSettings } from './private/wait-settings';
import { DmsWaitOptions } from './wait-options';

/**
 * What a schema refresh does about the connection between the replication
 * instance and the endpoint before it calls `RefreshSchemas`.
 */
export enum ConnectionPrecondition {
  /**
   * Reuse the pair's connection record when it is `successful`; otherwise run
   * `TestConnection` and refresh only once it succeeds. A connection record has no
   * timestamp, so "successful" may be old; if the database became unreachable
   * since, the refresh itself fails with DMS's message. Costs one
   * `DescribeConnections` when the pair was tested before.
   */
  TEST_UNLESS_SUCCESSFUL = 'test-unless-successful',
  /** Always run `TestConnection` first (about a minute longer, proves the connection now). */
  ALWAYS_TEST = 'always-test',
  /** Call `RefreshSchemas` straight away; use when a `DmsConnectionTest` already covers the pair. */
  NONE = 'none',
}

/** Stack outputs made by {@link DmsSchemaRefresh.addOutputs}. */
export interface SchemaRefreshOutputs {
  /** The refresh status (`successful` once the stack is deployed). */
  readonly refreshStatus: CfnOutput;
  /** ISO 8601 start time of the refresh the deployment waited for. */
  readonly lastRefreshDate: CfnOutput;
}

/** Options of {@link DmsSchemaRefresh.addOutputs}. */
export interface SchemaRefreshOutputOptions {
  /**
   * Export names prefix, for stacks that import the values with `Fn.importValue`.
   * @default - outputs are not exported
   */
  readonly exportNamePrefix?: string;
}

/** Properties of {@link DmsSchemaRefresh}. */
export interface DmsSchemaRefreshProps extends DmsWaitOptions {
  /**
   * ARN of the DMS endpoint whose schemas are refreshed, for example
   * `cfnEndpoint.ref` or `arn:aws:dms:us-east-1:123456789012:endpoint:ABC`.
   */
  readonly endpointArn: string;
  /**
   * ARN of the replication instance that runs the refresh, for example
   * `cfnReplicationInstance.ref` or `arn:aws:dms:us-east-1:123456789012:rep:ABC`.
   */
  readonly replicationInstanceArn: string;
  /**
   * Any value; changing it asks for a new refresh on the next deploy even though
   * the ARNs are unchanged (for example a schema version, or a date).
   * @default - refresh only when the resource is created or an ARN changes
   */
  readonly refreshTrigger?: string;
  /**
   * What to do about the endpoint's connection before refreshing.
   * @default ConnectionPrecondition.TEST_UNLESS_SUCCESSFUL
   */
  readonly connectionPrecondition?: ConnectionPrecondition;
}

/**
 * Refreshes a DMS endpoint's schemas during `cdk deploy` and completes only when
 * DMS reports that refresh `successful`.
 *
 * On create, and on update when an ARN or `refreshTrigger` changes, it calls
 * `RefreshSchemas` and waits until `DescribeRefreshSchemasStatus` shows a refresh
 * that began no earlier than the request as `successful`; a refresh already
 * running is waited for and followed by a new one. A `failed` refresh fails the
 * deployment with DMS's `LastFailureMessage`. Deleting it makes no DMS call.
 * Anything that depends on this construct is deployed after the refresh.
 *
 * @example
 * const refresh = new DmsSchemaRefresh(this, 'RefreshSource', {
 *   endpointArn: sourceEndpoint.ref,
 *   replicationInstanceArn: instance.ref,
 * });
 * task.node.addDependency(refresh);
 */
export class DmsSchemaRefresh extends Construct {
  /** The endpoint's refresh status when the refresh finished (`successful`). */
  public readonly refreshStatus: string;
  /** ISO 8601 start time of the refresh that finished, as DMS reports it. */
  public readonly lastRefreshDate: string;
  /** The endpoint ARN, as given. */
  public readonly endpointArn: string;

  public constructor(scope: Construct, id: string, props: DmsSchemaRefreshProps) {
    super(scope, id);
    validateEndpointPair(this, props);
    const wait = waitSettings(props, 'schema-refresh');
    const precondition = props.connectionPrecondition ?? ConnectionPrecondition.TEST_UNLESS_SUCCESSFUL;

    const provider = LifecycleProvider.of(this, 'schema-refresh');
    provider.grant(['dms:RefreshSchemas'], 'endpoint', props.endpointArn);
    provider.grant(['dms:RefreshSchemas'], 'rep', props.replicationInstanceArn);
    provider.grant(['dms:DescribeRefreshSchemasStatus'], 'endpoint', props.endpointArn);
    if (precondition !== ConnectionPrecondition.NONE) {
      provider.grantConnectionTest(props.endpointArn, props.replicationInstanceArn);
    }

    const resource = provider.newResource<SchemaRefreshProperties>(this, 'Resource', wait, {
      EndpointArn: props.endpointArn,
      ReplicationInstanceArn: props.replicationInstanceArn,
      RefreshTrigger: props.refreshTrigger,
      ConnectionPrecondition: precondition,
    });
    this.refreshStatus = resource.getAttString(Attribute.STATUS);
    this.lastRefreshDate = resource.getAttString(Attribute.LAST_REFRESH_DATE);
    this.endpointArn = props.endpointArn;
  }

  /**
   * Adds stack outputs with the refresh status and date, for example for a CDK
   * Pipelines `ShellStep` (`envFromCfnOutputs`) that runs after the stage and
   * reads which refresh the deployment waited for.
   */
  public addOutputs(options: SchemaRefreshOutputOptions = {}): SchemaRefreshOutputs {
    const prefix = options.exportNamePrefix;
    return {
      refreshStatus: new CfnOutput(this, 'RefreshStatus', {
        value: this.refreshStatus,
        description: `Schema refresh status of ${this.node.path}`,
        exportName: prefix ? `${prefix}RefreshStatus` : undefined,
      }),
      lastRefreshDate: new CfnOutput(this, 'LastRefreshDate', {
        value: this.lastRefreshDate,
        description: `Start of the schema refresh that ${this.node.path} waited for`,
        exportName: prefix ? `${prefix}LastRefreshDate` : undefined,
      }),
    };
  }
}
