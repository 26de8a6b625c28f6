import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { docsMarkdownFiles } from '../tools/docs-rosetta/docs-files';

const ROOT = path.join(__dirname, '..');

/** README.md and the guides of docs/: their TypeScript is compiled (here and by jsii-rosetta, strict). */
const MARKDOWN = ['README.md', ...docsMarkdownFiles(ROOT)];

/**
 * The ```ts blocks of a markdown file, each a self-contained module. Their info string may go
 * on (```ts nofixture: jsii-rosetta compiles them as they are, without rosetta/default.ts-fixture).
 */
function examples(file: string): string[] {
  const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...markdown.matchAll(/^```ts(?:[ \t][^\n]*)?\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

test.each(MARKDOWN)('every TypeScript block of %s is found (```ts, with or without an info string)', (file) => {
  const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(examples(file)).toHaveLength(markdown.match(/^```(ts|typescript)\b/gm)?.length ?? 0);
});

test('README and docs/ have TypeScript examples, every construct guide at least one', () => {
  expect(examples('README.md').length).toBeGreaterThanOrEqual(1);
  for (const guide of ['schema-refresh', 'connection-test', 'replication-run', 'premigration-assessment', 'replication-teardown', 'cutover-readiness']) {
    expect({ guide, examples: examples(`docs/${guide}.md`).length > 0 }).toEqual({ guide, examples: true });
  }
});

test('every TypeScript example of README.md and docs/ type-checks against the library', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
  const all = MARKDOWN.flatMap((file) => examples(file).map((code, i) => ({ name: `${path.basename(file, '.md')}-${i + 1}`, code })));
  const files = all.map(({ name, code }) => {
    const file = path.join(dir, `${name}.ts`);
    fs.writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ignoreDeprecations: '6.0',
    baseUrl: ROOT,
    paths: { 'cdk-dms-lifecycle': ['src/index.ts'], '*': ['node_modules/*'] },
    types: [],
  });
  const problems = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(problems).toEqual([]);
}, 60_000);
