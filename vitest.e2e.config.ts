import { defineConfig } from 'vitest/config';

// The end-to-end layer (`npm run test:e2e`): the built renderer served by `spinscope serve`, in
// Chromium. Separate from vitest.config.ts because it needs `npm run build` and /usr/bin/chromium.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
