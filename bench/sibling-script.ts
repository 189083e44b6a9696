import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Node arguments that run a sibling bench script the way this one runs: compiled JavaScript
 * (`npm run bench`, no TypeScript loader in the measurement) or TypeScript through tsx.
 */
export function siblingScript(name: string): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const file = join(dirname(here), `${name}${ext}`);
  return ext === '.ts' ? ['--import', 'tsx', file] : [file];
}
