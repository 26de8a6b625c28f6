/** Builds DMS ARNs of the form `arn:aws:dms:<region>:<account>:<type>:<id>`. */
export class ArnBuilder {
  constructor(private readonly region: string, private readonly account: string) {}

  endpoint(id: string): string {
    return this.build('endpoint', id);
  }

  replicationInstance(id: string): string {
    return this.build('rep', id);
  }

  replicationTask(id: string): string {
    return this.build('task', id);
  }

  replicationConfig(id: string): string {
    return this.build('replication-config', id);
  }

  private build(resourceType: string, id: string): string {
    return `arn:aws:dms:${this.region}:${this.account}:${resourceType}:${id}`;
  }
}

/** The last ARN segment, which DMS echoes as the resource's identifier. */
export function resourceId(arn: string): string {
  const segments = arn.split(':');
  return segments[segments.length - 1];
}
