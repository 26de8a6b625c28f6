/**
 * The baseline construct: a `Provider` with DEFAULT settings (queryInterval 5 s, totalTimeout
 * 30 min) in front of the naive handlers (handler.ts), with the same Lambda settings as ours
 * (Node.js 24, 256 MB, 1-minute timeout) so that only the waiting design differs.
 */
import { CustomResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface PlainSchemaRefreshProps {
  readonly endpointArn: string;
  readonly replicationInstanceArn: string;
  /** Directory holding the bundled handler.ts as index.js. */
  readonly codeDirectory: string;
}

export class PlainSchemaRefresh extends Construct {
  public constructor(scope: Construct, id: string, props: PlainSchemaRefreshProps) {
    super(scope, id);
    const handler = (name: 'onEvent' | 'isComplete') => {
      const fn = new lambda.Function(this, name, {
        code: lambda.Code.fromAsset(props.codeDirectory),
        handler: `index.${name}`,
        runtime: lambda.Runtime.NODEJS_24_X,
        timeout: Duration.minutes(1),
        memorySize: 256,
      });
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['dms:RefreshSchemas', 'dms:DescribeRefreshSchemasStatus', 'dms:TestConnection', 'dms:DescribeConnections'],
        resources: ['*'],
      }));
      return fn;
    };
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('onEvent'),
      isCompleteHandler: handler('isComplete'),
    });
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PlainSchemaRefresh',
      properties: { EndpointArn: props.endpointArn, ReplicationInstanceArn: props.replicationInstanceArn },
    });
  }
}
