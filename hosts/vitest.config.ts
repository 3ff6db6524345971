import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['src/global-setup.ts'],
    // The work is npm installs (network and disk) and child builds, not this process: run the
    // hosts side by side even on two cores.
    maxWorkers: 3,
    fileParallelism: true,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
})
