/**
 * How many full-load conditional-check failures (DMS's `FullLoadCondtnlChkFailedRows`) cut-over
 * readiness accepts: one format for the construct's prop, its custom resource property, the
 * CLI's option and the handler, so all read it alike.
 *
 * Text form: `schema.table=N` per table, `*=N` for all other tables together, comma-separated
 * (`sales.orders=3,*=0`).
 */

/** The accepted counts, parsed. */
export interface ConditionalCheckAllowance {
  /** Per table, keyed `schema.table`. */
  readonly perTable: Readonly<Record<string, number>>;
  /** All tables not named in `perTable`, together. 0 when not given. */
  readonly otherTables: number;
}

/** The key that stands for every table not named. */
export const OTHER_TABLES_KEY = '*';

const TABLE_KEY = /^[^.,=\s][^,=]*\.[^,=]*[^.,=\s]$/;

/** Why a key or count cannot be accepted, or undefined. `name` is the prop or flag in the caller's words. */
function entryProblem(name: string, key: string, count: number): string | undefined {
  if (key !== OTHER_TABLES_KEY && !TABLE_KEY.test(key)) {
    return `${name} takes schema.table (or * for all other tables) as keys, for example { 'sales.orders': 3 } or sales.orders=3,*=0; got key ${JSON.stringify(key)}`;
  }
  if (!Number.isInteger(count) || count < 0) {
    return `${name} takes whole numbers of at least 0 as counts, for example sales.orders=3; got ${JSON.stringify(String(count))} for ${key}`;
  }
  return undefined;
}

/** Checks a map (the construct's prop); throws an Error naming the problem. */
export function validateAllowance(name: string, map: Readonly<Record<string, number>>): void {
  for (const [key, count] of Object.entries(map)) {
    const problem = entryProblem(name, key, count);
    if (problem) throw new Error(problem);
  }
}

/** The map in its text form (stable order: tables sorted, `*` last); undefined when empty. */
export function formatAllowance(map: Readonly<Record<string, number>>): string | undefined {
  const keys = Object.keys(map).filter((k) => k !== OTHER_TABLES_KEY).sort();
  if (OTHER_TABLES_KEY in map) keys.push(OTHER_TABLES_KEY);
  return keys.length ? keys.map((k) => `${k}=${map[k]}`).join(',') : undefined;
}

/** The text form parsed; a string saying what is wrong otherwise. */
export function parseAllowance(name: string, text: string): ConditionalCheckAllowance | string {
  const perTable: Record<string, number> = {};
  let otherTables = 0;
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return `${name} must name at least one table, for example sales.orders=3; got ${JSON.stringify(text)}`;
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    const raw = at > 0 ? entry.slice(at + 1).trim() : '';
    const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!key) return `${name} takes entries schema.table=N (or *=N), for example sales.orders=3,*=0; got ${JSON.stringify(entry)}`;
    const problem = entryProblem(name, key, count);
    if (problem) return problem;
    if (key === OTHER_TABLES_KEY) otherTables = count;
    else perTable[key] = count;
  }
  return { perTable, otherTables };
}
