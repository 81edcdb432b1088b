/**
 * Where the shared test vectors are: `shared/vectors/` in the folder that holds the project
 * (`../shared/vectors` from the project root). The search walks up from this file, so the suites
 * also find them from a copy of the project one level deeper (Stryker's sandbox), and
 * SEMODEL_VECTORS may name the folder outright. A missing folder is a clear error, never a skip.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string | undefined {
  const given = process.env['SEMODEL_VECTORS'];
  if (given !== undefined) return path.resolve(given);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'shared', 'vectors');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The absolute path of `shared/vectors/<kind>`; throws a clear error when it is not there. */
export function sharedVectors(kind: 'se-images' | 'xts' | 'attestation' | 'dumps' | 'add-secret' | 'signed-components' | 'host-key-documents'): string {
  const root = find();
  const dir = root === undefined ? undefined : path.join(root, kind);
  if (dir === undefined || !existsSync(dir)) {
    throw new Error(
      `test vectors not found: shared/vectors/${kind} must sit beside the project folder (../shared/vectors/${kind}), ` +
        'or set SEMODEL_VECTORS to the vectors folder',
    );
  }
  return dir;
}
