/**
 * A small fake of the AltText API (the plugin reaches it only through @alttextapi/core): a real
 * `node:http` server answering `/v1/alt-text`, `/v1/models` and `/v1/account`, with scripted
 * failures per image URL and a credit balance.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface AltCall {
  imageUrl?: string
  image?: string
  language?: string
  context?: string
  model?: string
}

export interface FakeAltText {
  url: string
  key: string
  calls: AltCall[]
  credits: number
  /** Error code to answer for an image URL containing the key. */
  failFor: Map<string, { status: number; code: string }>
  /** Answers these alt texts (image URL substring → text) instead of `fakeAlt`. */
  altTextFor: Map<string, string>
  /** Delay before answering, in ms. */
  delayMs: number
  /** Most calls seen in flight at once. */
  maxInFlight: number
  /** Runs when a generation call arrives (before its answer). */
  onCall: ((call: AltCall) => void) | undefined
  close(): Promise<void>
}

/** The alt text the fake writes for an image: derived from the URL so tests can predict it. */
export function fakeAlt(call: AltCall): string {
  const id = /images\/[^/]+\/[^/]+\/([A-Za-z0-9]+)-/.exec(call.imageUrl ?? '')?.[1]
  return `Alt for ${id ?? `bytes:${call.image?.length ?? 0}`}${call.language ? ` [${call.language}]` : ''}`
}

export async function startFakeAltText(): Promise<FakeAltText> {
  let inFlight = 0
  const fake: FakeAltText = {
    url: '',
    key: 'atk_test_0123456789abcdefghijklmnopqrstuvwxyz',
    calls: [],
    credits: 100,
    failFor: new Map(),
    altTextFor: new Map(),
    delayMs: 0,
    maxInFlight: 0,
    onCall: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const send = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    if (path === '/v1/models')
      return send(res, 200, {
        models: [
          { id: 'cheap', name: 'Cheap', credits: 1, default: true },
          { id: 'fancy', name: 'Fancy', credits: 3, default: false },
        ],
      })
    if (req.headers.authorization !== `Bearer ${fake.key}`)
      return send(res, 401, { error: { code: 'unauthorized', message: 'Invalid API key' } })
    if (path === '/v1/account')
      return send(res, 200, {
        id: 'u1',
        email: 'a@example.com',
        name: null,
        credits: fake.credits,
        storeHistory: true,
        createdAt: '2026-01-01T00:00:00.000Z',
      })
    if (path !== '/v1/alt-text')
      return send(res, 404, { error: { code: 'not_found', message: 'no' } })
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AltCall
    fake.calls.push(call)
    fake.onCall?.(call)
    inFlight++
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight)
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs))
    inFlight--
    for (const [needle, failure] of fake.failFor)
      if (call.imageUrl?.includes(needle))
        return send(res, failure.status, {
          error: { code: failure.code, message: `${failure.code} for test` },
        })
    if (fake.credits < 1)
      return send(res, 402, { error: { code: 'insufficient_credits', message: 'No credits left' } })
    fake.credits--
    send(res, 200, {
      id: `u_${fake.calls.length}`,
      altText:
        [...fake.altTextFor].find(([needle]) => call.imageUrl?.includes(needle))?.[1] ??
        fakeAlt(call),
      language: call.language ?? 'en',
      model: call.model ?? 'cheap',
      creditsUsed: 1,
      creditsRemaining: fake.credits,
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
