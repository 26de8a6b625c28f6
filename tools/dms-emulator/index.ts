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
export type { CdcLatencyScenario, LatencySegment } from './cdc-latency';
export type { MetricPaging } from './cloudwatch-metrics';
export type { TablePhase, TableScenario, TableStatisticsPaging } from './table-statistics';
