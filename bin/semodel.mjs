#!/usr/bin/env node
// The `semodel` command. The sources are TypeScript; tsx compiles them on the fly, so the
// command runs from a fresh clone after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
try {
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // Only a broken installation gets here (main() turns every other failure into one line itself).
  process.stderr.write(`semodel: cannot start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 2;
}
