import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// electron-vite needs explicit entries: our sources live in src-main/ and src-renderer/, not src/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The job worker is a second entry: utilityProcess.fork(out/main/worker.js).
        input: {
          index: resolve(__dirname, 'src-main/app/main.ts'),
          worker: resolve(__dirname, 'src-main/workers/worker.ts'),
        },
        external: ['onnxruntime-node'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        // The package is "type": "module"; a sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
    plugins: [vue()],
  },
});
