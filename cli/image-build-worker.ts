/**
 * The encryption thread of `semodel image build` (its source: ./image-build-worker-source.ts),
 * started as early as the process can: a worker thread takes some 60 ms of CPU time to start
 * (node's own start-up in the thread, node:crypto), and the sooner it starts, the fewer chunks
 * the main thread must encrypt itself while it waits. `bin/semodel.mjs` starts it for an
 * `image build` before it loads the rest of the command (this module is an entry point of the
 * bundle of its own, so both see one module); the command takes it when it knows the build is
 * large enough, and drops it otherwise.
 * @module
 */
import { Worker } from 'node:worker_threads';
import { BUILD_WORKER_SOURCE, type BuildWorkerPlan } from './image-build-worker-source.js';

/** A worker thread waiting for its plan. */
export interface BuildWorker {
  post(plan: BuildWorkerPlan): void;
  terminate(): void;
}

/**
 * Starts the encryption thread before its plan is known, so that its start-up overlaps loading
 * the host keys. Give it to `streamBuild` (./image-build-stream.ts).
 */
export function startBuildWorker(): BuildWorker {
  // A small young generation: the thread's per-page garbage (OpenSSL's output buffers) is freed early.
  const worker = new Worker(BUILD_WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  worker.unref(); // the process never waits for it
  worker.on('error', () => undefined); // seen through ctrl; an 'error' event must not crash the build
  return { post: (plan) => worker.postMessage(plan), terminate: () => void worker.terminate().catch(() => undefined) };
}

let early: BuildWorker | undefined;

/** Starts the thread now, for a build that may ask for it later ({@link takeBuildWorker}). */
export function startBuildWorkerEarly(): void {
  early ??= startBuildWorker();
}

/** The thread started early, or a new one. */
export function takeBuildWorker(): BuildWorker {
  const worker = early ?? startBuildWorker();
  early = undefined;
  return worker;
}

/** Ends the thread started early, if any (a build too small for it, or one that failed first). */
export function dropEarlyBuildWorker(): void {
  early?.terminate();
  early = undefined;
}
