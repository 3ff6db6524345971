import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // testkit's fake API (which core's client tests use) imports core: give it this source, so it
  // checks requests with the contract as it is now, with no build of dist first.
  resolve: {
    alias: [
      {
        find: /^@alttextapi\/core$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
})
