import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The dashboard's browser journey: Node-side (not the Workers pool of the API's own tests), one
 * file at a time, with room for wrangler dev and Chromium to start. Run with `pnpm test:dashboard`
 * in api/ (it builds the dashboard first).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
})
