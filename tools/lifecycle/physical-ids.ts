/**
 * Stable fake physical ids, ARNs and attributes for resources the driver "creates" instantly.
 */
import { createHash } from 'crypto';
import type { PhysicalIdContext } from './types';

const DEFAULT_CONTEXT: PhysicalIdContext = { region: 'us-east-1', account: '123456789012', stackName: 'Stack' };

/** Resource types whose Ref is an ARN with the DMS resource-type prefix. */
const DMS_ARN_PREFIX: Record<string, string> = {
  'AWS::DMS::Endpoint': 'endpoint',
  'AWS::DMS::ReplicationInstance': 'rep',
  'AWS::DMS::ReplicationTask': 'task',
  'AWS::DMS::ReplicationConfig': 'replication-config',
};

/**
 * The default physical id (Ref value) of a non-custom resource: the resource's own name property
 * if set, else a name CloudFormation-style (`<stack>-<logicalId>-<SUFFIX>`); an ARN where the
 * resource type's Ref is one (DMS endpoints, instances, tasks and replication configs,
 * state machines, SNS topics, managed policies).
 */
export function defaultPhysicalId(logicalId: string, resourceType: string, properties: any, context: PhysicalIdContext = DEFAULT_CONTEXT): string {
  const { region, account, stackName } = context;
  const props = properties ?? {};
  const name = (prop: string, max = 64) => (typeof props[prop] === 'string' ? props[prop] : generatedName(stackName, logicalId, max));
  const dms = DMS_ARN_PREFIX[resourceType];
  if (dms) {
    return `arn:aws:dms:${region}:${account}:${dms}:${logicalId.toUpperCase()}`;
  }
  switch (resourceType) {
    case 'AWS::Lambda::Function': return name('FunctionName');
    case 'AWS::IAM::Role': return name('RoleName');
    case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${account}:policy/${name('ManagedPolicyName', 128)}`;
    case 'AWS::StepFunctions::StateMachine': return `arn:aws:states:${region}:${account}:stateMachine:${name('StateMachineName', 80)}`;
    case 'AWS::Logs::LogGroup': return name('LogGroupName', 512);
    case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${account}:${name('TopicName', 256)}`;
    case 'AWS::SQS::Queue': return `https://sqs.${region}.amazonaws.com/${account}/${name('QueueName', 80)}`;
    case 'AWS::S3::Bucket': return name('BucketName', 63).toLowerCase();
    default: return generatedName(stackName, logicalId, 128);
  }
}

/** A CloudFormation-style generated name: `<stack>-<logicalId>-<12 chars>`, stable for the same inputs. */
export function generatedName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = stableSuffix(`${stackName}/${logicalId}`);
  const room = Math.max(2, maxLength - suffix.length - 2);
  const stackPart = stackName.slice(0, Math.ceil(room / 2));
  const idPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${idPart}-${suffix}`;
}

/**
 * `Fn::GetAtt` of a non-custom resource: `Arn` (and `*Arn`) as an ARN that maps back to the
 * physical id, `Name`-like attributes as the name, anything else a recognizable fake.
 */
export function defaultAttribute(logicalId: string, resourceType: string, physicalId: string, attribute: string, context: PhysicalIdContext): string {
  const { region, account } = context;
  if (attribute === 'Arn' || attribute.endsWith('Arn')) {
    switch (resourceType) {
      case 'AWS::Lambda::Function': return lambdaFunctionArn(physicalId, context);
      case 'AWS::IAM::Role': return `arn:aws:iam::${account}:role/${physicalId}`;
      case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${account}:log-group:${physicalId}:*`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${physicalId}`;
      case 'AWS::SQS::Queue': return `arn:aws:sqs:${region}:${account}:${physicalId.split('/').pop()}`;
      default: {
        if (physicalId.startsWith('arn:')) return physicalId;
        const [, service = 'unknown', kind = 'resource'] = resourceType.split('::');
        return `arn:aws:${service.toLowerCase()}:${region}:${account}:${kind.toLowerCase()}/${physicalId}`;
      }
    }
  }
  if (attribute === 'Name' || attribute.endsWith('Name')) {
    return physicalId.startsWith('arn:') ? physicalId.split(/[:/]/).pop()! : physicalId;
  }
  return `fake-${logicalId}-${attribute}`;
}

/** The ARN of a Lambda function with the given name. */
export function lambdaFunctionArn(functionName: string, context: PhysicalIdContext): string {
  return `arn:aws:lambda:${context.region}:${context.account}:function:${functionName}`;
}

function stableSuffix(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return BigInt('0x' + hex.slice(0, 16)).toString(36).toUpperCase().padStart(12, '0').slice(0, 12);
}
