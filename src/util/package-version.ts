// The version printed by `wharf --version` and reported to clients, read once from package.json.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    // dist/src/util/ → package root is three levels up; src/util/ (ts sources) is two.
    for (const rel of ['../../../package.json', '../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'wharf' && typeof pkg.version === 'string') {
          cached = pkg.version;
          break;
        }
      } catch {
        // Try the next candidate.
      }
    }
    cached ??= '0.0.0';
  }
  return cached;
}
