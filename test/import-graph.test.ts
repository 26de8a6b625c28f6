import * as fs from 'fs';
import * as path from 'path';

/**
 * The house rule "no import circles", checked: every relative import (type-only ones too, since a
 * type that lives in the wrong module is how circles start) in the project's own code folders,
 * walked as a graph. Any strongly connected set of files is a circle and fails the test, named.
 */

const ROOT = path.resolve(__dirname, '..');
const FOLDERS = ['src', 'lambda', 'cli', 'tools', 'test/support'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(full));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/gm;

/** Relative specifiers imported by a TypeScript source (comments stripped first). */
function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specs: string[] = [];
  for (const match of code.matchAll(SPECIFIER)) specs.push(match[1]);
  return specs;
}

function resolveImport(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  if (base.endsWith('.js')) candidates.push(base.replace(/\.js$/, '.ts'));
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile() && /\.tsx?$/.test(c));
}

/** Import graph of the given files: file -> files it imports (relative imports only). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeImports(fs.readFileSync(file, 'utf8'))
      .map((spec) => resolveImport(file, spec))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Each circle as one path through it, first file repeated at the end (Tarjan's SCCs, then a walk). */
function importCircles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = component.length === 1 && (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);

  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0];
    // Shortest path from start back to start inside the component, so the message names a real circle.
    const previous = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length > 0 && end === undefined) {
      const node = queue.shift()!;
      for (const next of graph.get(node) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          end = node;
          break;
        }
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    const circle = [start];
    for (let node = end!; node !== start; node = previous.get(node)!) circle.splice(1, 0, node);
    circle.push(start);
    return circle;
  });
}

describe('import graph', () => {
  test('the walker sees a circle, and names it', () => {
    const a = path.join(ROOT, 'x', 'a.ts');
    const b = path.join(ROOT, 'x', 'b.ts');
    const c = path.join(ROOT, 'x', 'c.ts');
    const circles = importCircles(new Map([[a, [b]], [b, [c]], [c, [a]]]));
    expect(circles).toEqual([[a, b, c, a]]);
    expect(importCircles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
  });

  test('the walker reads every kind of relative import, type-only included', () => {
    const source = [
      "import type { A } from './a';",
      "import { B } from '../b';",
      "export * from './c';",
      "export type { D } from './d';",
      "import './e';",
      "const f = require('./f');",
      "const g = await import('./g');",
      "import { h } from 'not-relative';",
      "// import { i } from './i';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a', '../b', './c', './d', './e', './f', './g']);
  });

  test(`no import circles in ${FOLDERS.join(', ')}`, () => {
    const files = FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
    expect(files.length).toBeGreaterThan(50);
    const graph = importGraph(files);
    expect([...graph.values()].some((targets) => targets.length > 0)).toBe(true);
    const circles = importCircles(graph).map((circle) => circle.map((f) => path.relative(ROOT, f)).join(' -> '));
    expect(circles).toEqual([]);
  });
});
