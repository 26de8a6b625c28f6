import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';

/**
 * Loaded on the first Update only: Create and Delete (and every cold start) skip
 * the CloudFormation client. A plain require, which esbuild leaves in place for an
 * external module (a dynamic import() would not run under jest's VM).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadSdk = async (): Promise<typeof import('@aws-sdk/client-cloudformation')> => require('@aws-sdk/client-cloudformation');

let cached: { key: string; client: CloudFormationClient } | undefined;

/** One client per endpoint override (tests point it at the lifecycle driver). */
async function cloudFormation(): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await loadSdk();
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
    const { DescribeStacksCommand } = await loadSdk();
    const out = await (await cloudFormation()).send(new DescribeStacksCommand({ StackName: stackId }));
    return /ROLLBACK_IN_PROGRESS$/.test(out.Stacks?.[0]?.StackStatus ?? '');
  } catch (err) {
    console.log(JSON.stringify({ warning: 'could not read the stack status; treating the Update as a forward update', error: String(err) }));
    return false;
  }
}
