// The job worker under plain Node (child_process.fork from src-main/jobs/forkHost.ts): registers
// tsx so worker.ts runs without a build step, as bin/spinscope.mjs does for the CLI. The Electron
// build does not use this file: electron-vite compiles worker.ts itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
