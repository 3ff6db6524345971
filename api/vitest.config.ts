import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { TEST_STRIPE } from './test/global-setup.js'

export default defineConfig({
  plugins: [
    // The fake Stripe is started by test/global-setup.ts (Node) and reached over loopback.
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'migrations')),
          BCRYPT_ROUNDS: '4',
          STRIPE_API_URL: inject('fakeStripeUrl'),
          STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
          STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
        },
      },
    })),
  ],
  logLevel: 'error',
  test: {
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})
