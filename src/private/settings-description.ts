import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

type Settings = object;

/**
 * `{ key: value, … }` for a synth-time message, values written as the code that makes them
 * (`lambda.Runtime.NODEJS_22_X`, `logs.RetentionDays.ONE_WEEK`, a construct as `<its path>`).
 * With `also`, the one object that holds both: a key both give differently shows both values.
 */
export function describeSettings(settings: Settings, also?: Settings): string {
  const first = entries(settings);
  const second = entries(also ?? {});
  const keys = [...new Set([...first.keys(), ...second.keys()])];
  const parts = keys.map((key) => {
    const a = first.get(key);
    const b = second.get(key);
    const value = a === undefined ? b : b === undefined || a === b ? a : `${a} /* or ${b}: choose one */`;
    return `${key}: ${value}`;
  });
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

function entries(settings: Settings): Map<string, string> {
  return new Map(Object.entries(settings).filter(([, v]) => v !== undefined).map(([k, v]) => [k, describeValue(k, v)]));
}

function describeValue(key: string, value: unknown): string {
  if (Token.isUnresolved(value)) return '<token>';
  if (value instanceof lambda.Runtime) {
    // The member itself first: NODEJS_LATEST shares its name with one of the numbered runtimes.
    return memberName('lambda.Runtime', lambda.Runtime, (r) => r === value)
      ?? memberName('lambda.Runtime', lambda.Runtime, (r) => r instanceof lambda.Runtime && r.name === value.name)
      ?? `<runtime ${value.name}>`;
  }
  if (key === 'logRetention') return memberName('logs.RetentionDays', logs.RetentionDays, (v) => v === value) ?? String(value);
  if (key === 'logRemovalPolicy') return memberName('RemovalPolicy', RemovalPolicy, (v) => v === value) ?? String(value);
  if (key === 'subnetType') return memberName('ec2.SubnetType', ec2.SubnetType, (v) => v === value) ?? JSON.stringify(value);
  if (isConstruct(value)) return `<${value.node.path}>`;
  if (Array.isArray(value)) return `[${value.map((v) => describeValue(key, v)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${describeValue(k, v)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `prefix.NAME` of the static member (or enum member) that `matches`. */
function memberName(prefix: string, holder: object, matches: (value: unknown) => boolean): string | undefined {
  const name = Object.keys(holder).find((k) => /^[A-Z][A-Z0-9_]*$/.test(k) && matches((holder as Record<string, unknown>)[k]));
  return name && `${prefix}.${name}`;
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && 'node' in value && typeof (value as IConstruct).node?.path === 'string';
}
