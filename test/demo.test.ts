import { runDemo } from '../tools/demo/run-demo';

test('the demo deploys, updates, fails an update of and destroys the example app against the emulator, checking every ordering', async () => {
  const lines: string[] = [];
  const scenario = { refreshMs: 2_000, connectionTestMs: 800, stopMs: 1_000, startMs: 1_000, modifyMs: 800 };
  const summary = await runDemo({ ...scenario, write: (l) => lines.push(l) });
  const output = lines.join('\n');
  expect(summary.phases.map((p) => [p.name, p.result.status])).toEqual([
    ['deploy', 'CREATE_COMPLETE'],
    ['update', 'UPDATE_COMPLETE'],
    ['failed update', 'UPDATE_ROLLBACK_COMPLETE'],
    ['destroy', 'DELETE_COMPLETE'],
  ]);
  expect(summary.checks.filter((c) => !c.held)).toEqual([]);
  expect(summary.ok).toBe(true);
  for (const claim of [
    'the replication was started after deploy',
    'the replication was stopped before its update',
    'the replication was running again after the update',
    'the replication was running again after the rolled-back update',
  ]) expect(output).toContain(`ok   ${claim}`);
  // A refresh waited for DMS; the update stopped, modified and resumed the replications.
  expect(output).toMatch(/DMS {2}schema refresh of endpoint:SOURCE: refreshing[\s\S]*schema refresh of endpoint:SOURCE: successful[\s\S]*CREATE_COMPLETE +RefreshSource/);
  expect(output).toMatch(/replication task task:DMSMIGRATIONSALESTASK: stopping[\s\S]*: stopped[\s\S]*: modifying[\s\S]*: starting[\s\S]*: running/);
  // The config's refused modify fails the update before CloudFormation reaches the task.
  expect(summary.dmsCalls).toMatchObject({ ModifyReplicationConfig: 3, ModifyReplicationTask: 1, StartReplication: 3, StartReplicationTask: 2 });
  expect(output).toMatch(/DMS calls: .*StartReplication ×3/);
}, 180_000);
