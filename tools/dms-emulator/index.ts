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
export type { MigrationType, RunBehavior } from './replication-runs';
