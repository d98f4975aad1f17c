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
        // fontkit (figure text metrics) is installed with pdfkit, not listed in package.json, so it
        // is not externalised automatically: keep it external like pdfkit itself.
        external: ['onnxruntime-node', 'fontkit'],
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
