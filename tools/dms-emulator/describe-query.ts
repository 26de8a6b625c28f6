import { invalidParameter, resourceNotFound } from './dms-error';
import { pageMarkers } from './page-markers';
import { optionalInteger, optionalString, RequestInput } from './request-input';

/** DMS's bounds for MaxRecords on Describe* calls. */
const MIN_RECORDS = 20;
const MAX_RECORDS = 100;

/** Maps each supported filter name to the record field it matches. */
export type FilterFields<T> = Readonly<Record<string, (record: T) => string | undefined>>;

/** How a Describe* call pages and treats an empty result. */
export interface DescribeBehavior {
  /** Page over all records first, then filter within the page (see DmsEmulatorOptions.filterAfterPaging). */
  readonly filterAfterPaging: boolean;
  /** What filters that match nothing answer. */
  readonly noMatch: 'not-found' | 'empty';
  /** The ResourceNotFoundFault message for `noMatch: 'not-found'`. */
  readonly noMatchMessage: string;
}

/** One page of a Describe* answer. */
export interface DescribePage<T> {
  readonly items: T[];
  readonly marker?: string;
}

interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * Answers the Filters / MaxRecords / Marker part of a Describe* call over
 * `records`, in list order.
 */
export function describePage<T>(
  records: readonly T[],
  input: RequestInput,
  fields: FilterFields<T>,
  behavior: DescribeBehavior,
): DescribePage<T> {
  const filters = parseFilters(input, fields);
  const maxRecords = parseMaxRecords(input);
  const offset = markers.decode(optionalString(input, 'Marker'));
  const matches = (record: T) => filters.every(f => f.values.includes(fields[f.name](record) ?? ''));

  if (filters.length > 0 && behavior.noMatch === 'not-found' && !records.some(matches)) {
    throw resourceNotFound(behavior.noMatchMessage);
  }

  if (behavior.filterAfterPaging) {
    const window = records.slice(offset, offset + maxRecords);
    const next = offset + window.length;
    return { items: window.filter(matches), marker: next < records.length ? markers.encode(next) : undefined };
  }
  const matching = records.filter(matches);
  const next = offset + maxRecords;
  return { items: matching.slice(offset, next), marker: next < matching.length ? markers.encode(next) : undefined };
}

function parseFilters<T>(input: RequestInput, fields: FilterFields<T>): Filter[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter('Filters must be a list.');
  return raw.map((entry: unknown) => {
    const { Name: name, Values: values } = (entry ?? {}) as { Name?: unknown; Values?: unknown };
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(fields, name)) {
      throw invalidParameter(`Invalid filter name: ${String(name)}. Valid filter names are: ${Object.keys(fields).join(', ')}.`);
    }
    if (!Array.isArray(values) || values.length === 0 || !values.every(v => typeof v === 'string')) {
      throw invalidParameter(`Filter ${name} must have a non-empty list of string Values.`);
    }
    return { name, values: values as string[] };
  });
}

function parseMaxRecords(input: RequestInput): number {
  const maxRecords = optionalInteger(input, 'MaxRecords') ?? MAX_RECORDS;
  if (maxRecords < MIN_RECORDS || maxRecords > MAX_RECORDS) {
    throw invalidParameter(`MaxRecords must be between ${MIN_RECORDS} and ${MAX_RECORDS}, got ${maxRecords}.`);
  }
  return maxRecords;
}

// Markers are opaque to callers; an offset wrapped in base64 keeps them so.
const markers = pageMarkers('emu1:', (marker) => invalidParameter(`Invalid Marker: ${marker}`));
