export * from './wait-options';
export * from './provider-settings';
export * from './connection-test';
export * from './schema-refresh';
export * from './replication-teardown';
export * from './replication-run';
export * from './premigration-assessment';
export * from './cutover-readiness';
