import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

let cached: { key: string; client: CloudFormationClient } | undefined;

/** One client per endpoint override (tests point it at the lifecycle driver). */
function cloudFormation(): CloudFormationClient {
  const key = `${process.env.AWS_REGION}|${process.env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? process.env.AWS_ENDPOINT_URL ?? ''}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new CloudFormationClient({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
      }),
    };
  }
  return cached.client;
}

/**
 * Whether the stack is rolling back. On an update rollback CloudFormation sends an
 * ordinary Update with the old properties; redoing a refresh or a test then could
 * fail the rollback itself (UPDATE_ROLLBACK_FAILED), so the handlers only report.
 * When the status cannot be read, the Update is treated as a forward update.
 */
export async function isRollingBack(stackId: string): Promise<boolean> {
  try {
    const out = await cloudFormation().send(new DescribeStacksCommand({ StackName: stackId }));
    return /ROLLBACK_IN_PROGRESS$/.test(out.Stacks?.[0]?.StackStatus ?? '');
  } catch (err) {
    console.log(JSON.stringify({ warning: 'could not read the stack status; treating the Update as a forward update', error: String(err) }));
    return false;
  }
}
