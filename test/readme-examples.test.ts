import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/**
 * The ```ts blocks of README.md, each a self-contained module. Their info string may go
 * on (```ts nofixture: jsii-rosetta compiles them as they are, without rosetta/default.ts-fixture).
 */
function readmeExamples(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts(?:[ \t][^\n]*)?\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

test('every TypeScript block of README.md is found (```ts, with or without an info string)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readmeExamples()).toHaveLength(readme.match(/^```(ts|typescript)\b/gm)!.length);
});

test('README has TypeScript examples', () => {
  expect(readmeExamples().length).toBeGreaterThanOrEqual(5);
});

test('every README TypeScript example type-checks against the library', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
  const files = readmeExamples().map((code, i) => {
    const file = path.join(dir, `example-${i + 1}.ts`);
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
