/**
 * Minimal stack reads for the replication run's guard: the stack's exact status and
 * its resources (ListStackResources, every page). Same signatures as the helpers
 * the teardown work adds to stack-status.ts, so the two can become one.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LifecycleError, quote } from '../dms/errors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadSdk = async (): Promise<typeof import('@aws-sdk/client-cloudformation')> => require('@aws-sdk/client-cloudformation');

let cached: { key: string; client: CloudFormationClient } | undefined;

async function cloudFormation(): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await loadSdk();
  const key = `${process.env.AWS_REGION}|${process.env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? process.env.AWS_ENDPOINT_URL ?? ''}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new CloudFormationClient({
        retryMode: 'standard',
        maxAttempts: 5,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
      }),
    };
  }
  return cached.client;
}

/** The stack could not be read, so the handler cannot tell what is safe and does nothing. */
export class StackUnreadable extends LifecycleError {
  public constructor(stackId: string, question: string, err: unknown) {
    super(
      `Could not read stack ${stackId} to tell ${question} (${quote(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}); `
      + 'nothing was done in DMS. Retry the operation (for a failed rollback: continue the update rollback).',
    );
  }
}

/** A resource of the stack as ListStackResources shows it. */
export interface StackResource {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: string;
}

async function read<T>(stackId: string, question: string, call: (client: CloudFormationClient, sdk: typeof import('@aws-sdk/client-cloudformation')) => Promise<T>): Promise<T> {
  try {
    return await call(await cloudFormation(), await loadSdk());
  } catch (err) {
    throw new StackUnreadable(stackId, question, err);
  }
}

/** The stack's status, e.g. UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS. */
export async function stackStatus(stackId: string, question: string): Promise<string> {
  return read(stackId, question, async (client, { DescribeStacksCommand }) => {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    return out.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
  });
}

/** Every resource of the stack (ListStackResources, all pages). */
export async function stackResources(stackId: string, question: string): Promise<StackResource[]> {
  return read(stackId, question, async (client, { ListStackResourcesCommand }) => {
    const resources: StackResource[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: token }));
      for (const r of page.StackResourceSummaries ?? []) {
        resources.push({ logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId, resourceType: r.ResourceType ?? '', status: r.ResourceStatus ?? '' });
      }
      token = page.NextToken;
    } while (token);
    return resources;
  });
}
