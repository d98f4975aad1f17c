import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The Electron binary cannot be downloaded on build machines: every test mocks `electron`.
    alias: { electron: new URL('./test/mocks/electron.ts', import.meta.url).pathname },
  },
});
