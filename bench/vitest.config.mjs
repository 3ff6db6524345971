import { defineConfig } from 'vitest/config'

// The reliability suites start real Workers; run the files one at a time on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
