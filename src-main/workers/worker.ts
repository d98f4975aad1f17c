/**
 * The job worker's entry point: one job per process, started by the job supervisor through
 * Electron's utilityProcess.fork (electron-vite builds this file as the main-process entry
 * `worker`) or child_process.fork of entry.mjs (CLI, serve mode, tests). See runWorker.ts.
 */
import { createWorkerPort } from './port.ts';
import { runWorker } from './runWorker.ts';

void runWorker(createWorkerPort());
