import { CloudFormationEndpoint, type StackResourceSummary } from '../../tools/lifecycle/cloudformation-endpoint';

/** The stack the in-process handler tests' events name (test/support/cfn-events.ts). */
export const TEST_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/guid';

/** What the stand-in stack looks like; tests change it between requests. */
export interface TestStack {
  status: string;
  resources: StackResourceSummary[];
  /** Logical ids in the stack's template (GetTemplate). */
  templateResources: string[];
}

/**
 * A CloudFormation stand-in for the handlers' stack reads (DescribeStacks,
 * ListStackResources, GetTemplate), pointed at through AWS_ENDPOINT_URL_CLOUDFORMATION.
 * The stack starts as DELETE_IN_PROGRESS with no resources: a whole-stack delete.
 */
export function useEmulatedCloudFormation(): { stack: TestStack; endpoint: () => CloudFormationEndpoint } {
  const stack: TestStack = { status: 'DELETE_IN_PROGRESS', resources: [], templateResources: [] };
  let endpoint: CloudFormationEndpoint | undefined;
  const saved = process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
  beforeAll(async () => {
    endpoint = await CloudFormationEndpoint.start({
      stacks: () => [{ stackId: TEST_STACK_ID, stackName: 'Test', stackStatus: stack.status, creationTime: Date.now() }],
      resources: () => stack.resources,
      template: () => ({ Resources: Object.fromEntries(stack.templateResources.map((id) => [id, { Type: 'AWS::CloudFormation::WaitConditionHandle' }])) }),
    });
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = endpoint.url;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
    else process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = saved;
    await endpoint?.close();
  });
  return { stack, endpoint: () => endpoint! };
}
