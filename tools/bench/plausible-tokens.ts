/**
 * Resolves what a synthesized template leaves to deploy time (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::ImportValue, pseudo parameters) to plausible values at the LONG end of what
 * AWS produces, so that sizes measured on the result (IAM policies) are not underestimated:
 *
 * - partition `aws-us-gov` (10 characters, the longest), region `ap-southeast-2` (14),
 *   a 12-digit account;
 * - DMS resources: their ARN with a 26-character identifier, the length DMS generates
 *   (`arn:aws-us-gov:dms:ap-southeast-2:123456789012:endpoint:ABCDEFGHIJKLMNOPQRSTUVWXYZ`);
 * - other physical ids (role, function, log group names): 64 characters, the maximum of
 *   a Lambda function or IAM role name; their ARNs are built from that name;
 * - `Fn::ImportValue`: a DMS ARN (our bench stacks import only DMS ARNs), of the type the
 *   export name mentions (`dms-endpoint-7` → endpoint), else of the longest type.
 */

export const PLAUSIBLE_PARTITION = 'aws-us-gov';
export const PLAUSIBLE_REGION = 'ap-southeast-2';
export const PLAUSIBLE_ACCOUNT = '123456789012';
/** Length of a DMS resource identifier in its ARN. */
export const DMS_ID_LENGTH = 26;
/** Length of a generated physical name (role, function, log group). */
export const NAME_LENGTH = 64;

const DMS_TYPES: Record<string, string> = {
  'AWS::DMS::Endpoint': 'endpoint',
  'AWS::DMS::ReplicationInstance': 'rep',
  'AWS::DMS::ReplicationTask': 'task',
  'AWS::DMS::ReplicationConfig': 'replication-config',
};

const PSEUDO: Record<string, string> = {
  'AWS::Partition': PLAUSIBLE_PARTITION,
  'AWS::Region': PLAUSIBLE_REGION,
  'AWS::AccountId': PLAUSIBLE_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': name('Stack'),
  'AWS::StackId': `arn:${PLAUSIBLE_PARTITION}:cloudformation:${PLAUSIBLE_REGION}:${PLAUSIBLE_ACCOUNT}:stack/${name('Stack')}/01234567-89ab-cdef-0123-456789abcdef`,
};

/** The parts of a template the resolver reads. */
export interface TemplateLike {
  readonly Resources?: Record<string, { Type: string; Properties?: any }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/** `value` with every intrinsic replaced by a plausible (long) literal. */
export function resolvePlausibly(value: unknown, template: TemplateLike): unknown {
  if (Array.isArray(value)) return value.map((v) => resolvePlausibly(v, template));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return intrinsic(entries[0][0], entries[0][1], template);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolvePlausibly(v, template)]));
}

function intrinsic(fn: string, arg: any, template: TemplateLike): unknown {
  const resolve = (v: unknown) => resolvePlausibly(v, template);
  switch (fn) {
    case 'Ref':
      return ref(String(arg), template);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return getAtt(id, attribute, template);
    }
    case 'Fn::Join': {
      const [separator, parts] = arg;
      return (resolve(parts) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, expr: string) => {
        if (vars && expr in vars) return String(resolve(vars[expr]));
        const [id, attribute] = expr.split('.');
        return String(attribute ? getAtt(id, attribute, template) : ref(id, template));
      });
    }
    case 'Fn::Select': {
      const [index, list] = arg;
      return (resolve(list) as unknown[])[Number(resolve(index))];
    }
    case 'Fn::Split': {
      const [separator, text] = arg;
      return String(resolve(text)).split(separator);
    }
    case 'Fn::ImportValue':
      return dmsArn(importedDmsType(String(resolve(arg))), String(resolve(arg)));
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((z) => `${PLAUSIBLE_REGION}${z}`);
    case 'Fn::If': {
      // Either branch may apply: take the longer one.
      const [, a, b] = arg;
      const [ra, rb] = [resolve(a), resolve(b)];
      return JSON.stringify(ra ?? '').length >= JSON.stringify(rb ?? '').length ? ra : rb;
    }
    default:
      return name(fn);
  }
}

function ref(id: string, template: TemplateLike): string {
  if (id in PSEUDO) return PSEUDO[id];
  const parameter = template.Parameters?.[id];
  if (parameter) return parameter.Default !== undefined ? String(parameter.Default) : name(id);
  const type = template.Resources?.[id]?.Type ?? '';
  if (DMS_TYPES[type]) return dmsArn(DMS_TYPES[type], id);
  if (type === 'AWS::StepFunctions::StateMachine') return arnOf(id, type);
  return name(id);
}

function getAtt(id: string, attribute: string, template: TemplateLike): string {
  const type = template.Resources?.[id]?.Type ?? '';
  if (/Arn$/.test(attribute)) return arnOf(id, type);
  return name(`${id}${attribute}`);
}

/** A plausible ARN of a resource of CloudFormation type `type` named after `id`. */
function arnOf(id: string, type: string): string {
  if (DMS_TYPES[type]) return dmsArn(DMS_TYPES[type], id);
  const prefix = (service: string, resource: string) =>
    `arn:${PLAUSIBLE_PARTITION}:${service}:${PLAUSIBLE_REGION}:${PLAUSIBLE_ACCOUNT}:${resource}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return prefix('lambda', `function:${name(id)}`);
    case 'AWS::Logs::LogGroup':
      return prefix('logs', `log-group:${name(id)}:*`);
    case 'AWS::StepFunctions::StateMachine':
      return prefix('states', `stateMachine:${name(id)}`);
    case 'AWS::IAM::Role':
      return `arn:${PLAUSIBLE_PARTITION}:iam::${PLAUSIBLE_ACCOUNT}:role/${name(id)}`;
    default: {
      const [, service = 'service', resource = 'resource'] = type.split('::');
      return prefix(service.toLowerCase(), `${resource.toLowerCase()}/${name(id)}`);
    }
  }
}

function dmsArn(resourceType: string, seed: string): string {
  const id = (seed.toUpperCase().replace(/[^A-Z0-9]/g, '') + 'X'.repeat(DMS_ID_LENGTH)).slice(0, DMS_ID_LENGTH);
  return `arn:${PLAUSIBLE_PARTITION}:dms:${PLAUSIBLE_REGION}:${PLAUSIBLE_ACCOUNT}:${resourceType}:${id}`;
}

function importedDmsType(exportName: string): string {
  return /(replication-config|endpoint|task|rep)/.exec(exportName)?.[1] ?? 'replication-config';
}

/** A 64-character physical name that starts with `seed`. */
function name(seed: string): string {
  return (seed.replace(/[^A-Za-z0-9-]/g, '') + '-' + 'x'.repeat(NAME_LENGTH)).slice(0, NAME_LENGTH);
}
