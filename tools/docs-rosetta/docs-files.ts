import * as fs from 'fs';
import * as path from 'path';

/** The markdown guides under docs/, as paths relative to the repository root. */
export function docsMarkdownFiles(root: string): string[] {
  const dir = path.join(root, 'docs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => path.posix.join('docs', f));
}
