/**
 * `npx projen rosetta:docs`: compiles every TypeScript block of docs/*.md the way
 * `jsii-rosetta extract --strict` compiles README.md: against the compiled assembly (.jsii),
 * with rosetta/default.ts-fixture unless the block says `ts nofixture`, and fails on any
 * diagnostic. jsii-rosetta extract reads only what the assembly carries (README and
 * @examples); docs/ is not in it, so this feeds docs/ to the same translator.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiLocation, CompilationDependency, RosettaTranslator, SnippetParameters, TypeScriptSnippet, updateParameters } from 'jsii-rosetta';
import { docsMarkdownFiles } from './docs-files';

type Assembly = NonNullable<NonNullable<ConstructorParameters<typeof RosettaTranslator>[0]>['assemblies']>[number];

/**
 * The internal functions of jsii-rosetta that its extract command uses for a README: its
 * package.json exports only the index, so they are loaded by path.
 */
interface RosettaInternals {
  extractTypescriptSnippetsFromMarkdown(markdown: string, location: ApiLocation, strict: boolean): TypeScriptSnippet[];
  fixturize(snippet: TypeScriptSnippet, loose?: boolean): TypeScriptSnippet;
  resolveDependenciesFromPackageJson(packageJson: unknown, directory: string): Promise<Record<string, CompilationDependency>>;
}

function rosettaInternals(): RosettaInternals {
  const lib = path.dirname(require.resolve('jsii-rosetta'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (module: string) => require(path.join(lib, module));
  return {
    ...load(path.join('markdown', 'extract-snippets')),
    ...load('fixtures'),
    ...load('snippet-dependencies'),
  };
}

const ROOT = path.join(__dirname, '..', '..');

async function main(): Promise<void> {
  const rosetta = rosettaInternals();
  const assembly: Assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
  const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // What extract gives a README snippet: the package itself and its (peer) dependencies.
  const compilationDependencies: Record<string, CompilationDependency> = {
    [assembly.name]: { type: 'concrete', resolvedDirectory: fs.realpathSync(ROOT) },
    ...await rosetta.resolveDependenciesFromPackageJson(packageJson, ROOT),
  };
  const files = docsMarkdownFiles(ROOT);
  const snippets = files.flatMap((file) => {
    const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
    return rosetta.extractTypescriptSnippetsFromMarkdown(markdown, { api: 'file', fileName: file }, true).map((snippet) =>
      rosetta.fixturize({ ...updateParameters(snippet, { [SnippetParameters.$PROJECT_DIRECTORY]: ROOT }), compilationDependencies }));
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
  process.stdout.write(`docs/: ${snippets.length} TypeScript snippet(s) in ${files.length} file(s) compile (strict)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
