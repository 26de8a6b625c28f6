import { App } from 'aws-cdk-lib';
import { migrationConfig } from './migration-config';
import { DmsMigrationStack } from './migration-stack';
import { DmsMigrationPipelineStack } from './pipeline-stack';

const app = new App();
const config = migrationConfig(app.node);
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

// `cdk deploy DmsMigration` deploys the migration directly.
new DmsMigrationStack(app, 'DmsMigration', { env, config });

// `cdk deploy DmsMigrationPipeline` deploys it through CDK Pipelines instead.
new DmsMigrationPipelineStack(app, 'DmsMigrationPipeline', {
  env,
  config,
  connectionArn: app.node.tryGetContext('connection-arn') ?? 'arn:aws:codeconnections:us-east-1:123456789012:connection/00000000-0000-0000-0000-000000000000',
  repository: app.node.tryGetContext('repository') ?? 'my-org/my-dms-migration',
});
