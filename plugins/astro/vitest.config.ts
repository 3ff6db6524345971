import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Astro builds in the test's process: seconds each, more on two busy cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
