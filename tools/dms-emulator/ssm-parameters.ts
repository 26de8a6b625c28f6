/**
 * SSM Parameter Store, as much of it as the record of intent uses (AWS JSON 1.1,
 * X-Amz-Target `AmazonSSM.<Operation>`): PutParameter, GetParameter, DeleteParameter,
 * with SSM's error codes (ParameterNotFound, ParameterAlreadyExists, ValidationException,
 * ParameterMaxVersionLimitExceeded is not modelled) and a Version per write.
 */
import { nowMs, toEpochSeconds } from './clock';
import { DmsError } from './dms-error';
import { optionalString, requireString, RequestInput } from './request-input';

/** SSM's name rule: letters, digits and `_.-/`, a leading slash for a path, at most 1011 characters. */
const NAME = /^[a-zA-Z0-9_.\-/]{1,1011}$/;
/** Standard tier: values up to 4 KB. */
const MAX_STANDARD_VALUE_BYTES = 4096;

interface Parameter {
  readonly value: string;
  readonly type: string;
  readonly version: number;
  readonly modifiedAt: number;
}

export class SsmParameters {
  private readonly parameters = new Map<string, Parameter>();

  constructor(private readonly region: string, private readonly account: string) {}

  putParameter(input: RequestInput): object {
    const name = this.nameOf(input);
    const value = requireString(input, 'Value');
    if (Buffer.byteLength(value) > MAX_STANDARD_VALUE_BYTES && (optionalString(input, 'Tier') ?? 'Standard') === 'Standard') {
      throw new DmsError('ValidationException', `Standard tier parameters support a maximum parameter value of ${MAX_STANDARD_VALUE_BYTES} characters`);
    }
    const existing = this.parameters.get(name);
    if (existing && input.Overwrite !== true) {
      throw new DmsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    const version = (existing?.version ?? 0) + 1;
    this.parameters.set(name, { value, type: optionalString(input, 'Type') ?? existing?.type ?? 'String', version, modifiedAt: nowMs() });
    return { Version: version, Tier: 'Standard' };
  }

  getParameter(input: RequestInput): object {
    const name = this.nameOf(input);
    const p = this.parameters.get(name);
    if (!p) throw notFound();
    return {
      Parameter: {
        Name: name,
        Type: p.type,
        Value: p.value,
        Version: p.version,
        LastModifiedDate: toEpochSeconds(p.modifiedAt),
        ARN: `arn:aws:ssm:${this.region}:${this.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
        DataType: 'text',
      },
    };
  }

  deleteParameter(input: RequestInput): object {
    const name = this.nameOf(input);
    if (!this.parameters.delete(name)) throw notFound();
    return {};
  }

  /** The stored value (tests), undefined when there is none. */
  value(name: string): string | undefined {
    return this.parameters.get(name)?.value;
  }

  /** Sets a value as someone else would (tests: a record left by an older stack). */
  set(name: string, value: string): void {
    this.putParameter({ Name: name, Value: value, Overwrite: true });
  }

  /** Names under a path prefix (tests). */
  names(prefix = ''): string[] {
    return [...this.parameters.keys()].filter((n) => n.startsWith(prefix)).sort();
  }

  private nameOf(input: RequestInput): string {
    const name = requireString(input, 'Name');
    if (!NAME.test(name)) {
      throw new DmsError('ValidationException', `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Got ${name}`);
    }
    return name;
  }
}

function notFound(): DmsError {
  return new DmsError('ParameterNotFound', '');
}
