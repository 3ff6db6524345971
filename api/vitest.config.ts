import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { PUBLIC_IMAGE_HOST } from './test/generation-setup.js'
import { TEST_STRIPE } from './test/global-setup.js'

/** Hop-by-hop and length headers that the Node side sets itself. */
const DROP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'content-encoding',
])
const pick = (headers: Headers) => [...headers].filter(([name]) => !DROP.has(name.toLowerCase()))

async function routeOutbound(request: Request, imageServerUrl: string): Promise<Response> {
  const url = new URL(request.url)
  const target =
    url.hostname === PUBLIC_IMAGE_HOST ? `${imageServerUrl}${url.pathname}${url.search}` : url.href
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  const response = await fetch(target, {
    method: request.method,
    headers: pick(request.headers),
    body: hasBody ? await request.arrayBuffer() : undefined,
    redirect: 'manual',
  })
  return new Response(response.body, { status: response.status, headers: pick(response.headers) })
}

export default defineConfig({
  plugins: [
    // The fake Stripe is started by test/global-setup.ts (Node) and reached over loopback.
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'migrations')),
          BCRYPT_ROUNDS: '4',
          THROTTLE_SECRET: 'test-throttle-secret',
          STRIPE_API_URL: inject('fakeStripeUrl'),
          STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
          STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
          FAKE_CONTROL_URL: inject('fakeControlUrl'),
          IMAGE_SERVER_URL: inject('imageServerUrl'),
        },
        // Outbound fetches pass through Node; PUBLIC_IMAGE_HOST stands for a public image host
        // (like a DNS entry), so SSRF tests can redirect from a "public" URL to a private one.
        outboundService: (request: Request) => routeOutbound(request, inject('imageServerUrl')),
      },
    })),
  ],
  logLevel: 'error',
  test: {
    globalSetup: ['./test/global-setup.ts', './test/generation-setup.ts'],
    setupFiles: ['./test/apply-migrations.ts', './test/contract/flush.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})
