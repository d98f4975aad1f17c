import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer tests import .vue components; they choose happy-dom per file (// @vitest-environment).
  plugins: [vue()],
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/renderer/**/*.test.ts',
      'test/reliability/**/*.test.ts',
    ],
    // The reliability suite's outcome table, printed at the end of a run that includes it.
    globalSetup: ['test/reliability/tableSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The Electron binary cannot be downloaded on build machines: every test mocks `electron`.
    alias: { electron: new URL('./test/mocks/electron.ts', import.meta.url).pathname },
  },
});
