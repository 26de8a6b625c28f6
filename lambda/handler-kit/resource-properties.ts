/** Reads CloudFormation resource properties, which arrive as strings. */
export class ResourcePropertyReader {
  public constructor(private readonly raw: Record<string, unknown>) {}

  /** A required, non-empty string property. */
  public string(name: string): string {
    const value = this.optionalString(name);
    if (!value) throw new Error(`Resource property ${name} is missing`);
    return value;
  }

  public optionalString(name: string): string | undefined {
    const value = this.raw[name];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  }

  /** A property holding a whole number of seconds, returned in milliseconds. */
  public secondsAsMs(name: string): number {
    const value = Number(this.string(name));
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Resource property ${name} must be a positive whole number of seconds`);
    return value * 1000;
  }
}

/** The physical id of a resource about an endpoint / replication instance pair: a new pair replaces it. */
export function pairPhysicalId(props: ResourcePropertyReader): string {
  return `${props.string('EndpointArn')}|${props.string('ReplicationInstanceArn')}`;
}
