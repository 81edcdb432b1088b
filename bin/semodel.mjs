#!/usr/bin/env node
// The `semodel` command. It runs the JavaScript that `npm ci` compiled into dist/ (the `prepare`
// script) when that is at least as new as every TypeScript source; otherwise, as in a checkout
// being edited, it compiles the sources on the fly with tsx. Either way no manual build step.
// Of the compiled code it prefers dist/bundle/main.js, the same modules bundled into one file by
// esbuild: loading one file instead of a few hundred saves about 0.15 s of every command's start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relaunchPays, relaunchTuned, shouldRelaunch } from './tunables.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/cli/main.js`;
const bundled = `${root}dist/bundle/main.js`;

/** The newest modification time of the .ts files under the given folders. */
function newestSource(folders) {
  let newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const f of folders) if (existsSync(`${root}${f}`)) walk(`${root}${f}`);
  return newest;
}

async function run() {
  let main;
  const newest = newestSource(['cli', 'conformance', 'model', 'properties']);
  const fresh = (file) => existsSync(file) && statSync(file).mtimeMs >= newest;
  const argv = process.argv.slice(2);
  if (fresh(bundled) && fresh(built)) {
    await startEarly(argv, `${root}dist/bundle/`);
    ({ main } = await import(pathToFileURL(bundled).href));
  } else if (fresh(built)) {
    await startEarly(argv, `${root}dist/cli/`);
    ({ main } = await import(pathToFileURL(built).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../cli/main.ts'));
  }
  return main(argv);
}

/**
 * For an `image build`, starts its encryption thread before the command's code loads: the
 * thread's own start-up (some 60 ms of CPU time) then runs beside that loading
 * (cli/image-build-worker.ts; the command drops the thread if the build turns out small). For an
 * `image verify` or `image extract`, starts its second thread, which reads the image meanwhile
 * (cli/image-verify-early.ts). `dir` holds the compiled modules.
 */
async function startEarly(argv, dir) {
  if (argv[0] !== 'image' || argv.includes('-h') || argv.includes('--help')) return;
  if (argv[1] === 'build' && existsSync(`${dir}image-build-worker.js`)) {
    (await import(pathToFileURL(`${dir}image-build-worker.js`).href)).startBuildWorkerEarly();
  } else if ((argv[1] === 'verify' || argv[1] === 'extract') && existsSync(`${dir}image-verify-early.js`)) {
    (await import(pathToFileURL(`${dir}image-verify-early.js`).href)).startVerifyWorkerEarly(argv);
  }
}

try {
  // Commands that copy pages by the million run under glibc's faster copy (bin/tunables.mjs).
  process.exitCode = shouldRelaunch() && relaunchPays(process.argv.slice(2)) ? await relaunchTuned() : await run();
} catch (e) {
  // Only a broken installation gets here (main() turns every other failure into one line itself).
  process.stderr.write(`semodel: cannot start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 2;
}
