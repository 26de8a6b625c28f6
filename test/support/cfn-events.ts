import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** A CloudFormation custom resource event as the provider framework hands it to our handlers. */
export function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, string | undefined>,
  options: { oldProperties?: Record<string, string | undefined>; physicalId?: string; resourceType?: string } = {},
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/guid',
    RequestId: `request-${Math.random().toString(16).slice(2)}`,
    LogicalResourceId: 'Resource',
    ResourceType: options.resourceType ?? 'Custom::Test',
    ResourceProperties: { ServiceToken: 'token', ...stringsOnly(properties) },
  };
  switch (requestType) {
    case 'Create':
      return { ...base, RequestType: 'Create' };
    case 'Update':
      return {
        ...base,
        RequestType: 'Update',
        PhysicalResourceId: options.physicalId ?? 'physical-id',
        OldResourceProperties: { ServiceToken: 'token', ...stringsOnly(options.oldProperties ?? properties) },
      };
    case 'Delete':
      return { ...base, RequestType: 'Delete', PhysicalResourceId: options.physicalId ?? 'physical-id' };
  }
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(timeoutMs = 60_000): Context {
  const end = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-handler',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-handler',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-request-id',
    logGroupName: '/aws/lambda/test-handler',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => end - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function stringsOnly(props: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
