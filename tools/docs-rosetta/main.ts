/**
 * `npx projen rosetta:docs`: compiles every TypeScript block of docs/*.md the way
 * `jsii-rosetta extract --strict` compiles README.md: against the compiled assembly (.jsii),
 * with rosetta/default.ts-fixture unless the block says `ts nofixture`, and fails on any
 * diagnostic. jsii-rosetta extract reads only what the assembly carries (README and
 * @examples); docs/ is not in it, so this feeds docs/ to the same translator.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAssemblyFromPath } from '@jsii/spec';
import {
  extractTypescriptSnippetsFromMarkdown,
  RosettaTranslator,
  SnippetParameters,
  TypeScriptSnippet,
  updateParameters,
} from 'jsii-rosetta';
import { docsMarkdownFiles } from './docs-files';

// Internal modules of jsii-rosetta that its extract command uses (its package.json exports
// only the index, so they are loaded by path).
const ROSETTA_LIB = path.dirname(require.resolve('jsii-rosetta'));
const { fixturize } = require(path.join(ROSETTA_LIB, 'fixtures')) as typeof import('jsii-rosetta/lib/fixtures');
const { resolveDependenciesFromPackageJson } = require(path.join(ROSETTA_LIB, 'snippet-dependencies')) as typeof import('jsii-rosetta/lib/snippet-dependencies');

const ROOT = path.join(__dirname, '..', '..');

async function main(): Promise<void> {
  const assembly = loadAssemblyFromPath(ROOT);
  const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // What extract gives a README snippet: the package itself and its (peer) dependencies.
  const compilationDependencies = {
    [assembly.name]: { type: 'concrete' as const, resolvedDirectory: fs.realpathSync(ROOT) },
    ...await resolveDependenciesFromPackageJson(packageJson, ROOT),
  };
  const snippets: TypeScriptSnippet[] = docsMarkdownFiles(ROOT).flatMap((file) => {
    const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
    return extractTypescriptSnippetsFromMarkdown(markdown, { api: 'file', fileName: file }, true).map((snippet) =>
      fixturize({ ...updateParameters(snippet, { [SnippetParameters.$PROJECT_DIRECTORY]: ROOT }), compilationDependencies }));
  });
  const translator = new RosettaTranslator({ assemblies: [assembly], includeCompilerDiagnostics: true });
  const result = await translator.translateAll(snippets, { cleanup: true });
  const errors = result.diagnostics.filter((d) => d.isError);
  for (const d of errors) process.stderr.write(d.formattedMessage);
  if (errors.length > 0 || result.translatedSnippets.length !== snippets.length) {
    process.stderr.write(`docs/: ${errors.length} error(s) in ${snippets.length} TypeScript snippet(s); fix the snippet, or mark it \`\`\`text / \`\`\`sh\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`docs/: ${snippets.length} TypeScript snippet(s) in ${docsMarkdownFiles(ROOT).length} file(s) compile (strict)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
