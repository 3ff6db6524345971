import type { Server } from 'node:http'
import { createClient as createAltTextClient } from '@alttextapi/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolvePluginConfig } from '../src/config.js'
import { serveKeyProxy } from '../src/proxy/index.js'
import { studioDescriber } from '../src/studio-client.js'
import { type Env, PROJECT, startEnv } from './helpers.js'

const STUDIO = 'https://studio.example'
let env: Env
let proxy: { server: Server; url: string }
beforeAll(async () => {
  env = await startEnv()
  proxy = await serveKeyProxy({
    apiKey: env.alt.key,
    projectId: PROJECT,
    allowedOrigins: [STUDIO],
    apiUrl: env.alt.url,
    sanityApiHost: env.sanity.url,
  })
})
afterAll(async () => {
  await new Promise((resolve) => proxy.server.close(resolve))
  await env.close()
})
afterEach(() => env.resetAlt())

const config = () => resolvePluginConfig({ proxyUrl: proxy.url, imageBaseUrl: env.sanity.url })

describe('the key proxy', () => {
  it('describes for a signed-in member: the Studio sends its Sanity token and no key; the proxy adds the key', async () => {
    const describe = await studioDescriber(env.client, config())
    const answer = await describe({ assetRef: 'image-px1-10x10-png' })
    expect(answer.altText).toBe('Alt for px1')
    expect(env.alt.stats.charged).toBe(1)
    // No secret document was read: the key lives only in the proxy.
    expect(env.sanity.seen.some((r) => r.path.includes('/data/query/'))).toBe(false)
  })

  it('refuses callers who are not members, other routes and other origins; answers the Studio’s preflight', async () => {
    const anonymous = await studioDescriber(env.anonymous, config())
    await expect(anonymous({ assetRef: 'image-px2-10x10-png' })).rejects.toMatchObject({
      code: 'unauthorized',
    })
    const stranger = await fetch(`${proxy.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'x-sanity-token': 'sk_not_a_member', 'content-type': 'application/json' },
      body: JSON.stringify({ imageUrl: 'https://example.com/a.png' }),
    })
    expect(stranger.status).toBe(401)
    expect(env.alt.stats.calls).toBe(0)

    const member = { 'x-sanity-token': env.sanity.token }
    const account = await fetch(`${proxy.url}/v1/account`, { headers: member })
    expect(account.status).toBe(403)
    expect(await account.json()).toMatchObject({ error: { code: 'forbidden' } })
    const credits = await createAltTextClient({
      baseUrl: proxy.url,
      apiKey: 'proxy',
      fetch: (input, init) => {
        const headers = new Headers(init?.headers)
        headers.set('x-sanity-token', env.sanity.token)
        return fetch(input, { ...init, headers })
      },
    }).credits()
    expect(credits.balance).toBe(100)

    const elsewhere = await fetch(`${proxy.url}/v1/models`, {
      headers: { ...member, origin: 'https://evil.example' },
    })
    expect(elsewhere.status).toBe(403)
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(`${proxy.url}/v1/alt-text`, {
      method: 'OPTIONS',
      headers: { origin: STUDIO, 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(STUDIO)
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-sanity-token')
  })
})
