import { StatusCommand } from './arguments';
import { cloudWatchClient, describeTarget, dmsClient, formatDuration, ReadinessCriteria, ReadinessReport, readReadiness, retryRead } from '../lambda/dms';

/** How long status retries DMS and CloudWatch faults that pass (throttling, 5xx) before it fails. */
const STATUS_RETRY_MS = 60_000;

/** `status`: one look at the replication's cut-over readiness, as a table or (with --json) one JSON object. */
export async function runStatus(command: StatusCommand): Promise<string> {
  const clients = { dms: dmsClient(command.region), cloudWatch: cloudWatchClient(command.region) };
  // One look, so no wait's backoff behind it: throttling and 5xx are retried here (the clients try once per send).
  const report = await retryRead(() => readReadiness(clients, command.target, command.readiness), Date.now() + STATUS_RETRY_MS);
  const subject = `${describeTarget(command.target)} cut-over readiness`;
  return command.json ? `${JSON.stringify(statusJson(subject, report))}\n` : readinessTable(subject, report, command.readiness);
}

/** The JSON `status --json` prints: the report's facts, with reasons as codes and messages. */
export function statusJson(subject: string, report: ReadinessReport): object {
  return {
    command: 'status',
    subject,
    ready: report.ready,
    replicationStatus: report.replicationStatus,
    ...(report.migrationType ? { migrationType: report.migrationType } : {}),
    stop: report.stop,
    tables: report.tables.map((t) => ({
      schema: t.schema,
      table: t.table,
      tableState: t.tableState,
      validationState: t.validationState,
      validationFailedRecords: t.validationFailedRecords,
      validationPendingRecords: t.validationPendingRecords,
      validationSuspendedRecords: t.validationSuspendedRecords,
      fullLoadErrorRows: t.fullLoadErrorRows,
      fullLoadConditionalCheckFailedRows: t.fullLoadConditionalCheckFailedRows,
      ready: t.ready,
      reasons: t.findings.map((f) => f.code),
    })),
    latencyApplies: report.latencyApplies,
    latency: report.latency.map((l) => ({
      metric: l.metric,
      ready: l.ready,
      maxAllowedSeconds: l.maxAllowedSeconds,
      ...(l.maxSeconds !== undefined ? { maxSeconds: l.maxSeconds } : {}),
      dataPoints: l.dataPoints,
      ...(l.finding ? { reason: l.finding.code } : {}),
    })),
    drainedApplies: report.drainedApplies,
    backlog: report.backlog.map((b) => ({
      metric: b.metric,
      ready: b.ready,
      ...(b.maxChanges !== undefined ? { maxChanges: b.maxChanges } : {}),
      dataPoints: b.dataPoints,
      ...(b.finding ? { reason: b.finding.code } : {}),
    })),
    notReady: report.allFindings,
  };
}

/** A fixed-width table a person reads in a pipeline log: one row per table, then latency, then why. */
export function readinessTable(subject: string, report: ReadinessReport, criteria: ReadinessCriteria): string {
  const waiting = report.tables.filter((t) => !t.ready).length;
  const lines = [
    `${subject}: ${report.ready ? 'READY' : 'NOT READY'} (${report.tables.length - waiting} of ${report.tables.length} table(s) ready; replication ${report.replicationStatus})`,
    '',
  ];
  const header = ['SCHEMA', 'TABLE', 'LOAD STATE', 'VALIDATION', 'FAILED', 'PENDING', 'SUSPENDED', 'READY', 'WHY NOT'];
  const rows = report.tables.map((t) => [
    t.schema, t.table, t.tableState, t.validationState,
    String(t.validationFailedRecords), String(t.validationPendingRecords), String(t.validationSuspendedRecords),
    t.ready ? 'yes' : 'no', t.findings.map((f) => f.code).join(', '),
  ]);
  if (rows.length > 0) {
    const numeric = new Set([4, 5, 6]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (r: string[]) => r.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    lines.push(format(header), ...rows.map(format), '');
  }
  if (report.latencyApplies && criteria.latency) {
    lines.push(`CDC latency over the last ${formatDuration(criteria.latency.windowMs)}:`);
    for (const l of report.latency) {
      const seen = l.maxSeconds === undefined ? 'no data points' : `at most ${l.maxSeconds}s over ${l.dataPoints} data point(s)`;
      lines.push(`  ${l.metric.padEnd(16)}  ${seen} (allowed ${l.maxAllowedSeconds}s)${l.finding ? `: ${l.finding.code}` : ': ok'}`);
    }
  }
  if (report.drainedApplies && criteria.drained) {
    lines.push(`CDC backlog over the last ${formatDuration(criteria.drained.windowMs)} (drained: 0 everywhere):`);
    for (const b of report.backlog) {
      const seen = b.maxChanges === undefined ? 'no data points' : `at most ${b.maxChanges} over ${b.dataPoints} data point(s)`;
      lines.push(`  ${b.metric.padEnd(22)}  ${seen}${b.finding ? `: ${b.finding.code}` : ': ok'}`);
    }
  }
  if (!report.cdcApplies) {
    lines.push(report.migrationType === 'full-load' ? 'CDC: not applicable (full-load-only replication)' : `CDC: not judged (replication ${report.replicationStatus})`);
  }
  if (report.allFindings.length > 0) lines.push('', 'Not ready because:', ...report.allFindings.map((f) => `  - [${f.code}] ${f.message}`));
  return `${lines.join('\n')}\n`;
}
