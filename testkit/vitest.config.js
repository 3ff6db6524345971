import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { include: ['src/**/*.test.js'], testTimeout: 30_000 } })
