export { DmsEmulator } from './emulator';
export type {
  ConnectionBehavior,
  DmsEmulatorOptions,
  EmulatorCall,
  EndpointBehavior,
  PreviousRefresh,
  ReplicationOptions,
  TaskOptions,
} from './options';
export type { RefreshStatusSnapshot } from './refresh-schemas';
export { AccountRateLimit, callerOf, DMS_API_RATE, TokenBucket } from './rate-limit';
export type { CallerCounts, RateLimitOptions } from './rate-limit';
export type { MigrationType, RunBehavior } from './replication-run-state';
export { DEFAULT_CHECKS } from './assessments';
export type { AssessmentBehavior, CheckOutcome, IamPropagationScenario, ServerlessAssessmentOptions } from './assessments';
export type { CdcLatencyScenario, LatencySegment, MetricPlacement } from './cdc-latency';
export { BACKLOG_METRIC_NAMES, frozenSource, IDLE_LATENCY_READINGS } from './cdc-backlog';
export type { BacklogMetricName, BacklogSegment, CdcBacklogScenario, IdleLatencyReading } from './cdc-backlog';
export type { Interruption } from './interruptions';
export type { MetricPaging } from './cloudwatch-metrics';
export type { TablePhase, TableScenario, TableStatisticsPaging } from './table-statistics';
