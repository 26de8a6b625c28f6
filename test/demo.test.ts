import { useSimulatedTime } from './support/simulated-time';
import { runDemo } from '../tools/demo/run-demo';

useSimulatedTime();

test('the demo deploys, updates, fails an assessment and an update of, and destroys the example app against the emulator, checking every ordering', async () => {
  const lines: string[] = [];
  const scenario = { refreshMs: 2_000, connectionTestMs: 800, stopMs: 1_000, startMs: 1_000, modifyMs: 800 };
  const summary = await runDemo({ ...scenario, write: (l) => lines.push(l) });
  const output = lines.join('\n');
  expect(summary.phases.map((p) => [p.name, p.result.status])).toEqual([
    ['deploy', 'CREATE_COMPLETE'],
    ['update', 'UPDATE_COMPLETE'],
    ['failed assessment', 'UPDATE_ROLLBACK_COMPLETE'],
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
    'the premigration assessment passed before the replication started',
    'a failing premigration assessment stopped the deploy, naming the failed checks, and the replications ran again after the rollback',
  ]) expect(output).toContain(`ok   ${claim}`);
  // The failing assessment's reason names the checks, their DMS status and the report's S3 location.
  expect(output).toMatch(/\(failed assessment\) failed Assess\w+: The premigration assessment of the replication (config|task) \S+ (\(\S+\) )?failed: 2 of 5 checks failed: table-with-lob-but-without-primary-key-or-unique-constraint \(failed\), postgres-check-wal-level \(failed\); report: s3:\/\/\S+/);
  // A refresh waited for DMS; the update stopped, modified and resumed the replications.
  expect(output).toMatch(/DMS {2}schema refresh of endpoint:SOURCE: refreshing[\s\S]*schema refresh of endpoint:SOURCE: successful[\s\S]*CREATE_COMPLETE +RefreshSource/);
  expect(output).toMatch(/replication task task:DMSMIGRATIONSALESTASK: stopping[\s\S]*: stopped[\s\S]*: modifying[\s\S]*: starting[\s\S]*: running/);
  // Config: deploy (its assessment starts it), update (assessed, resumed), failed assessment (modified, assessed, modified
  // back, resumed by the guard), refused modify (modified back, resumed). How far the task got in the failed assessment
  // depends on timing, so its counts are bounds.
  // The cut-over then resumes the config with its commit_time stop position and, the source being idle, once more
  // with the server_time fallback.
  expect(summary.dmsCalls).toMatchObject({ ModifyReplicationConfig: 5, StartReplication: 7 });
  expect(summary.dmsCalls.ModifyReplicationTask).toBeGreaterThanOrEqual(1);
  expect(summary.dmsCalls.StartReplicationTaskAssessmentRun).toBeGreaterThanOrEqual(2);
  expect(output).toMatch(/DMS calls: .*StartReplication ×7/);
  // The cut-over: both replications stopped at a stop position after the freeze, the config after the idle-source fallback.
  for (const claim of [
    'the cut-over recorded its stop position, then stopped each replication, then resumed it with CdcStopPosition',
    'each replication stopped where DMS says STOPPED_AT_*_TIME, at a stop position at or after the freeze time plus the margin',
  ]) expect(output).toContain(`ok   ${claim}`);
  expect(summary.cutovers.map((c) => [c.exitCode, c.result?.stopReason])).toEqual([
    [0, 'Stop Reason STOPPED_AT_SERVER_TIME'],
    [0, 'Stop Reason STOPPED_AT_SERVER_TIME'],
  ]);
  expect(output).toMatch(/no commit reached commit_time:\S+ within 5s \(the source is idle\): falling back to server_time:/);
  expect(output).toMatch(/SCHEMA +TABLE +LOAD STATE +ROWS LOADED +INSERTS +UPDATES +DELETES +VALIDATION\n.*sales +orders +Table completed +120000 +830/);
  expect(output.indexOf('== cut-over')).toBeLessThan(output.indexOf('== cdk destroy'));
}, 300_000);
