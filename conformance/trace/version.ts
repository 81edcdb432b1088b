/**
 * The version of the semodel package that writes a trace, from its package.json.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The version of the semodel package: the first package.json named `semodel` above this module
 * (conformance/trace/ in a checkout, dist/conformance/trace/ when compiled). Read once.
 * @example
 * ```ts
 * traceWriterVersion(); // '0.1.0'
 * ```
 */
export function traceWriterVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'semodel' && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    const parent = dirname(dir);
    // Stryker disable next-line all: only a broken installation has no package.json above it
    if (parent === dir) throw new Error('the package.json of semodel is not found above conformance/trace');
    dir = parent;
  }
}
