import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** A docs/ guide's text. */
export function readDoc(name: string): string {
  return fs.readFileSync(path.join(ROOT, 'docs', name), 'utf8');
}

/** The markdown of one `## heading` section (up to the next `##`), found by a substring of its heading. */
export function section(markdown: string, heading: string): string {
  const parts = markdown.split(/^(?=## )/m);
  const found = parts.filter((p) => p.split('\n')[0].includes(heading));
  if (found.length !== 1) throw new Error(`expected one section whose heading has ${heading}; found ${found.length}`);
  return found[0];
}

/**
 * The rows of the first table whose header row names these columns, as objects keyed by
 * column name (cells trimmed, with their backticks kept).
 */
export function tableRows(markdown: string, columns: readonly string[]): Array<Record<string, string>> {
  const lines = markdown.split('\n');
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const start = lines.findIndex((l) => l.trim().startsWith('|') && columns.every((c, i) => cells(l)[i] === c));
  if (start < 0) throw new Error(`no table with columns ${columns.join(', ')}`);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const values = cells(line);
    rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ''])));
  }
  return rows;
}

/** The texts inside backticks of a cell: `a`, `b` → ['a', 'b']. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}
