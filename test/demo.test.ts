import { runDemo } from '../tools/demo/run-demo';

test('the demo deploys and tears down the example app against the emulator, showing DMS at work', async () => {
  const lines: string[] = [];
  const summary = await runDemo({ refreshMs: 3_000, connectionTestMs: 1_000, stopMs: 1_500, write: (l) => lines.push(l) });
  const output = lines.join('\n');
  expect(summary.deploy.status).toBe('CREATE_COMPLETE');
  expect(summary.destroy?.status).toBe('DELETE_COMPLETE');
  expect(summary.checks.every((c) => c.held)).toBe(true);
  expect(summary.ok).toBe(true);
  // A refresh waited for DMS, and replications were stopped on delete.
  expect(output).toMatch(/DMS {2}schema refresh of endpoint:SOURCE: refreshing[\s\S]*schema refresh of endpoint:SOURCE: successful[\s\S]*CREATE_COMPLETE +RefreshSource/);
  expect(output).toMatch(/serverless replication .*: stopping[\s\S]*: stopped[\s\S]*DELETE_COMPLETE +StopServerlessReplication[\s\S]*DELETE_IN_PROGRESS +ServerlessReplication/);
  expect(summary.dmsCalls.StopReplication).toBe(1);
  expect(summary.dmsCalls.StopReplicationTask).toBe(1);
}, 90_000);
