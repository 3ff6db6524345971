import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One wrangler dev, several Vite builds and a browser: minutes, not seconds, on 2 cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
})
