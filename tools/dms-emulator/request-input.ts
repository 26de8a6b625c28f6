import { invalidParameter } from './dms-error';

/** A parsed JSON request body. */
export type RequestInput = Record<string, unknown>;

/** A required string parameter; DMS rejects a missing or blank one. */
export function requireString(input: RequestInput, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidParameter(`The parameter ${name} must be provided and must not be blank.`);
  }
  return value;
}

/** An optional integer parameter. */
export function optionalInteger(input: RequestInput, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidParameter(`The parameter ${name} must be an integer.`);
  }
  return value;
}

/** An optional string parameter. */
export function optionalString(input: RequestInput, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw invalidParameter(`The parameter ${name} must be a string.`);
  }
  return value;
}
