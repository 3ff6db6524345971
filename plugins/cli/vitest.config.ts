import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Test against the rehype plugin's source, so a change there needs no rebuild to be tested here.
  resolve: {
    alias: [
      {
        find: /^@alttextapi\/rehype\/scan$/,
        replacement: fileURLToPath(new URL('../rehype/src/scan.ts', import.meta.url)),
      },
      {
        find: /^@alttextapi\/rehype\/progress$/,
        replacement: fileURLToPath(new URL('../rehype/src/terminal-progress.ts', import.meta.url)),
      },
      {
        find: /^@alttextapi\/rehype$/,
        replacement: fileURLToPath(new URL('../rehype/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
