import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // One WordPress is shared: files run one after another, and every test resets the site
    // (resetState) so neither the order of files nor of tests matters.
    fileParallelism: false,
    // Generous for a loaded 2-core machine, but bounded: waits inside tests are on conditions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
})
