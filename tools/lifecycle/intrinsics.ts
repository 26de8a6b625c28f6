/**
 * CloudFormation intrinsic functions and conditions, resolved against the driver's state.
 */

/** Marks a value removed by `Ref: AWS::NoValue`. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** Where the resolver gets values it cannot compute itself. */
export interface IntrinsicContext {
  readonly mappings?: Record<string, any>;
  readonly region: string;
  /** `Ref` of a resource, parameter or pseudo parameter. */
  ref(name: string): unknown;
  /** `Fn::GetAtt` of a resource. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Value of a named template condition. */
  condition(name: string): boolean;
}

/** Thrown when a value cannot be resolved; the message is what CloudFormation would report. */
export class ResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolutionError';
  }
}

/** Values of the pseudo parameters (`AWS::Region` ...). */
export function pseudoParameters(env: { region: string; account: string; stackName: string; stackId: string }): Record<string, unknown> {
  return {
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': env.stackName,
    'AWS::StackId': env.stackId,
    'AWS::NotificationARNs': [],
    'AWS::NoValue': NO_VALUE,
  };
}

/** Resolves every intrinsic in `value`; `AWS::NoValue` entries are dropped from objects and arrays. */
export function resolveValue(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveValue(v, ctx)).filter((v) => v !== NO_VALUE);
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return resolveIntrinsic(keys[0], value[keys[0]], ctx);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveValue(v, ctx);
    if (r !== NO_VALUE) {
      out[k] = r;
    }
  }
  return out;
}

/** Evaluates a condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`). */
export function evaluateCondition(expr: unknown, ctx: IntrinsicContext): boolean {
  if (isPlainObject(expr) && Object.keys(expr).length === 1) {
    const [fn] = Object.keys(expr);
    const arg = expr[fn];
    switch (fn) {
      case 'Condition': return ctx.condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = asArray(arg, fn).map((x) => resolveValue(x, ctx));
        return comparable(a) === comparable(b);
      }
      case 'Fn::And': return asArray(arg, fn).every((c) => evaluateCondition(c, ctx));
      case 'Fn::Or': return asArray(arg, fn).some((c) => evaluateCondition(c, ctx));
      case 'Fn::Not': return !evaluateCondition(asArray(arg, fn)[0], ctx);
      default: break;
    }
  }
  const v = resolveValue(expr, ctx);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ResolutionError(`Template format error: unsupported condition ${JSON.stringify(expr)}`);
}

/**
 * Names referenced by `Ref`, `Fn::GetAtt` and `Fn::Sub` anywhere in `value`
 * (resources, parameters and pseudo parameters alike; the caller filters).
 */
export function collectReferences(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, into));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') {
        into.add(v);
      } else if (k === 'Fn::GetAtt') {
        const target = typeof v === 'string' ? v.split('.')[0] : Array.isArray(v) ? v[0] : undefined;
        if (typeof target === 'string') into.add(target);
        if (Array.isArray(v)) collectReferences(v.slice(1), into);
      } else if (k === 'Fn::Sub') {
        const [template, vars] = typeof v === 'string' ? [v, {}] : Array.isArray(v) ? [v[0], v[1] ?? {}] : ['', {}];
        if (typeof template === 'string') {
          for (const name of subPlaceholders(template)) {
            if (!(name in (vars as object))) into.add(name.split('.')[0]);
          }
        }
        collectReferences(vars, into);
      } else {
        collectReferences(v, into);
      }
    }
  }
  return into;
}

/**
 * CloudFormation sends custom resource properties with every scalar as a string
 * (numbers and booleans included, at any depth).
 */
export function toCloudFormationStrings(value: unknown): any {
  if (Array.isArray(value)) return value.map(toCloudFormationStrings);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCloudFormationStrings(v);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value;
}

function resolveIntrinsic(fn: string, arg: any, ctx: IntrinsicContext): unknown {
  switch (fn) {
    case 'Ref':
      return ctx.ref(String(arg));
    case 'Fn::GetAtt': {
      const [id, attr] = typeof arg === 'string' ? splitOnce(arg, '.') : asArray(arg, fn);
      return ctx.getAtt(String(id), String(resolveValue(attr, ctx)));
    }
    case 'Fn::Join': {
      const [delimiter, list] = asArray(arg, fn);
      const items = resolveValue(list, ctx);
      return asArray(items, fn).map((x) => scalarString(x, fn)).join(String(delimiter));
    }
    case 'Fn::Sub':
      return substitute(arg, ctx);
    case 'Fn::Select': {
      const [index, list] = asArray(arg, fn).map((x) => resolveValue(x, ctx));
      const items = asArray(list, fn);
      const i = Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new ResolutionError(`Template error: Fn::Select cannot select nonexistent value at index ${index}`);
      }
      return items[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = asArray(arg, fn).map((x) => resolveValue(x, ctx));
      return scalarString(source, fn).split(String(delimiter));
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = asArray(arg, fn);
      return resolveValue(ctx.condition(String(cond)) ? whenTrue : whenFalse, ctx);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      return evaluateCondition({ [fn]: arg }, ctx);
    case 'Fn::Base64':
      return Buffer.from(scalarString(resolveValue(arg, ctx), fn), 'utf8').toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((s) => `${ctx.region}${s}`);
    case 'Fn::Length':
      return asArray(resolveValue(arg, ctx), fn).length;
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(arg, ctx));
    case 'Fn::FindInMap': {
      const [map, top, second, options] = asArray(arg, fn);
      const [m, t, s] = [map, top, second].map((x) => scalarString(resolveValue(x, ctx), fn));
      const found = ctx.mappings?.[m]?.[t]?.[s];
      if (found !== undefined) return found;
      if (isPlainObject(options) && 'DefaultValue' in options) return resolveValue(options.DefaultValue, ctx);
      throw new ResolutionError(`Template error: Unable to get mapping for ${m}::${t}::${s}`);
    }
    default:
      throw new ResolutionError(`${fn} is not supported by the lifecycle driver`);
  }
}

function substitute(arg: any, ctx: IntrinsicContext): string {
  const [template, vars] = typeof arg === 'string' ? [arg, {}] : asArray(arg, 'Fn::Sub');
  const resolvedVars = resolveValue(vars ?? {}, ctx) as Record<string, unknown>;
  return String(template).replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name.startsWith('!')) return '${' + name.slice(1) + '}';
    if (name in resolvedVars) return scalarString(resolvedVars[name], 'Fn::Sub');
    if (name.includes('.')) {
      const [id, attr] = splitOnce(name, '.');
      return scalarString(ctx.getAtt(id, attr), 'Fn::Sub');
    }
    return scalarString(ctx.ref(name), 'Fn::Sub');
  });
}

function subPlaceholders(template: string): string[] {
  return [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).filter((n) => !n.startsWith('!'));
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function scalarString(v: unknown, where = 'value'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ResolutionError(`Template error: ${where} expects a string, got ${JSON.stringify(v)}`);
}

function comparable(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function asArray(v: unknown, where: string): any[] {
  if (!Array.isArray(v)) throw new ResolutionError(`Template error: ${where} expects a list, got ${JSON.stringify(v)}`);
  return v;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
