/**
 * The one home of everything the library knows about DMS: calls, status rules,
 * error mapping and waiting. The Lambda handlers and the CLI both use it.
 */
export * from './client';
export * from './errors';
export * from './operation';
export * from './wait';
export * from './retry-read';
export * from './start-operation';
export * from './describe-pages';
export * from './refusal';
export { attemptName, attemptOf } from './iam-propagation';
export * from './grace';
export * from './call-budget';
export * from './request-arrival';
export * from './poll-schedule';
export * from './connection-test';
export * from './schema-refresh';
export * from './intent-record';
export * from './replication-stop';
export * from './replication-state';
export * from './replication-plan';
export * from './replication-start';
export * from './cdc-stop-position';
export * from './cutover-record';
export * from './cutover-plan';
export * from './assessment-verdict';
export * from './assessment-reads';
export * from './premigration-assessment';
export * from './assessment-abandon';
export * from './table-statistics';
export * from './cdc-latency';
export * from './cdc-backlog';
export * from './metric-window';
export * from './stop-reason';
export * from './cutover-readiness';
