import { defineConfig } from 'vitest/config'

/**
 * End-to-end tests in Node against the real Worker under `wrangler dev` (testkit's startApi),
 * over real HTTP: what the workerd pool cannot show (streamed uploads, real sockets).
 */
export default defineConfig({
  logLevel: 'error',
  test: {
    include: ['test/node/**/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
})
