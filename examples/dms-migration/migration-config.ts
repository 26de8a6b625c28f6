import { Node } from 'constructs';

/** Where a DMS endpoint connects, with credentials kept in Secrets Manager. */
export interface DatabaseSettings {
  readonly engineName: string;
  readonly serverName: string;
  readonly port: number;
  readonly databaseName: string;
  /** Secret with `username` and `password` for DMS to use. */
  readonly secretArn: string;
}

/** Everything the example needs that differs between accounts. */
export interface MigrationConfig {
  /** Private subnets (two AZs at least) the replication instance and DMS Serverless run in. */
  readonly subnetIds: string[];
  /**
   * The VPC of `subnetIds`. When given, the lifecycle handlers run in those subnets too,
   * and their logs are encrypted with a key of the stack (docs/regulated-accounts.md;
   * without NAT the subnets need the VPC endpoints listed there).
   */
  readonly vpcId?: string;
  /** Role that lets DMS read the endpoint secrets (trusts dms.<region>.amazonaws.com). */
  readonly secretsAccessRoleArn: string;
  readonly source: DatabaseSettings;
  readonly target: DatabaseSettings;
  /** Bump to refresh the source schemas again on the next deploy. */
  readonly schemaVersion: string;
  /** The source schemas the replications copy (one selection rule each). */
  readonly schemas: string[];
}

/**
 * Placeholders that synthesize offline. For a real deployment put your values in
 * cdk.json under "dms-migration", or pass `-c dms-migration='{...}'`.
 */
const PLACEHOLDERS: MigrationConfig = {
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
  vpcId: 'vpc-0123456789abcdef0',
  secretsAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets-access',
  source: {
    engineName: 'postgres',
    serverName: 'source-db.example.internal',
    port: 5432,
    databaseName: 'sales',
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dms/source-AbCdEf',
  },
  target: {
    engineName: 'aurora-postgresql',
    serverName: 'target-cluster.cluster-example.us-east-1.rds.amazonaws.com',
    port: 5432,
    databaseName: 'sales',
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dms/target-AbCdEf',
  },
  schemaVersion: '1',
  schemas: ['sales'],
};

/** The config from context key "dms-migration" (JSON object or string), over the placeholders. */
export function migrationConfig(node: Node): MigrationConfig {
  const raw = node.tryGetContext('dms-migration');
  const given = typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {});
  return { ...PLACEHOLDERS, ...given };
}
