/**
 * A fake AltText API: a real HTTP server speaking the v1 contract (POST /v1/alt-text,
 * /v1/alt-text/batch, GET /v1/account, /v1/credits, /v1/models) that records every request and
 * can be switched to answer with an error (401/402/429/503). Controlled in-process or over HTTP
 * (`POST /__control`, `GET|DELETE /__control/requests`) from other processes.
 *
 * Honours `Idempotency-Key` on generation like the real API: a completed key is replayed (same
 * answer, `Idempotent-Replayed: true`, no charge), one still running answers 429 with
 * `Retry-After: 1`, the key with another request answers 400, and a failed request frees its key.
 * `loseAnswers: n` makes the next n generation requests charge and complete, then answer 500 (the
 * answer lost on the way back, as after a timeout); `pendingKeys`/`releaseKeys` mark keys as still
 * running / free them. `charges` counts charged images.
 */
import { createServer } from 'node:http'

/**
 * @typedef {{method: string, path: string, authorization: string, idempotencyKey: string | null, body: Record<string, unknown> | null}} RecordedRequest
 * @typedef {{status: number, code: string, message?: string, retryAfter?: number}} ForcedError
 */

export const FAKE_KEY = 'atk_test_0123456789abcdef0123456789abcdef'

const MODELS = [
  { id: 'qwen/qwen2.5-vl-72b-instruct', name: 'Qwen 2.5 VL 72B', credits: 1, default: true },
  { id: 'google/gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash Lite', credits: 1, default: false },
]

/** The alt text the fake writes for the n-th image, so tests can predict it. */
export function fakeAlt(n, language) {
  return `A red test square number ${n} (${language})`
}

/** Starts the fake on a free port. */
/** @param {{key?: string, credits?: number}} [options] */
export async function startFakeApi(options = {}) {
  const key = options.key ?? FAKE_KEY
  const state = {
    credits: options.credits ?? 1000,
    counter: 0,
    /** @type {ForcedError | null} */ error: null,
    /** @type {RecordedRequest[]} */ requests: [],
    charges: 0,
    loseAnswers: 0,
    /** @type {Map<string, {request: string, status: number, payload: unknown} | 'pending'>} */
    keys: new Map(),
  }

  const read = (req) =>
    new Promise((resolve, reject) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const raw = await read(req)
    let body = null
    try {
      body = raw ? JSON.parse(raw) : null
    } catch {
      body = null
    }
    // No keep-alive: on a loaded machine a client reusing a socket the server is just closing
    // (keepAliveTimeout) fails with "other side closed". One request per connection is enough.
    const send = (status, payload, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers })
      res.end(JSON.stringify(payload))
    }
    const fail = (status, code, message, headers = {}) =>
      send(status, { error: { code, message } }, headers)

    if (url.pathname.startsWith('/__control')) {
      if (url.pathname === '/__control' && req.method === 'POST') {
        if (body && 'error' in body) state.error = body.error ?? null
        if (typeof body?.credits === 'number') state.credits = body.credits
        if (typeof body?.loseAnswers === 'number') state.loseAnswers = body.loseAnswers
        // A key whose first request is still running (429 until released), then released.
        for (const k of body?.pendingKeys ?? []) state.keys.set(String(k), 'pending')
        for (const k of body?.releaseKeys ?? []) state.keys.delete(String(k))
        return send(200, { ok: true })
      }
      if (url.pathname === '/__control/requests' && req.method === 'GET') {
        return send(200, { requests: state.requests, charges: state.charges })
      }
      if (url.pathname === '/__control/requests' && req.method === 'DELETE') {
        state.requests = []
        state.charges = 0
        state.loseAnswers = 0
        state.keys.clear()
        return send(200, { ok: true })
      }
      return fail(404, 'not_found', 'No such control route')
    }

    state.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: String(req.headers.authorization ?? ''),
      idempotencyKey:
        typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null,
      body,
    })

    if (req.method === 'GET' && url.pathname === '/v1/models') return send(200, { models: MODELS })
    if (state.error) {
      const e = state.error
      const headers = e.retryAfter ? { 'retry-after': String(e.retryAfter) } : {}
      return fail(e.status, e.code, e.message ?? `Forced ${e.code}`, headers)
    }
    if (req.headers.authorization !== `Bearer ${key}`) {
      return fail(401, 'unauthorized', 'Missing or invalid API key')
    }
    if (req.method === 'GET' && url.pathname === '/v1/account') {
      return send(200, {
        id: 'usr_1',
        email: 'owner@example.com',
        name: null,
        credits: state.credits,
        storeHistory: true,
        createdAt: '2026-01-01T00:00:00.000Z',
      })
    }
    if (req.method === 'GET' && url.pathname === '/v1/credits') {
      return send(200, { balance: state.credits, ledger: [] })
    }
    const describe = (item, language) => {
      const image = typeof item.image === 'string' ? item.image : ''
      const imageUrl = typeof item.imageUrl === 'string' ? item.imageUrl : ''
      if (!image && !imageUrl)
        return { error: { code: 'invalid_request', message: 'Give image or imageUrl' } }
      if (image && !/^[A-Za-z0-9+/=\s]+$/.test(image.replace(/^data:[^,]+,/, ''))) {
        return { error: { code: 'invalid_request', message: 'image is not base64' } }
      }
      state.counter++
      state.charges++
      state.credits--
      return {
        id: `use_${state.counter}`,
        altText: fakeAlt(state.counter, language),
        language,
        model: MODELS[0]?.id ?? '',
        creditsUsed: 1,
      }
    }
    /**
     * Runs `generate` (which answers [status, payload]) under the request's Idempotency-Key.
     * @param {() => [number, any]} generate
     */
    const idempotent = (generate) => {
      const key = req.headers['idempotency-key']
      if (typeof key === 'string' && !/^[\x20-\x7e]{1,200}$/.test(key))
        return fail(
          400,
          'invalid_request',
          'Idempotency-Key must be 1–200 printable ASCII characters',
        )
      const request = JSON.stringify([url.pathname, body])
      const claim = typeof key === 'string' ? state.keys.get(key) : undefined
      if (claim === 'pending') {
        return fail(
          429,
          'rate_limited',
          'A request with this Idempotency-Key is still in progress',
          {
            'retry-after': '1',
          },
        )
      }
      if (claim && claim.request !== request) {
        return fail(
          400,
          'idempotency_key_reused',
          'Idempotency-Key reused with a different request: send a new key for a new request.',
        )
      }
      if (claim) {
        return send(
          claim.status,
          { .../** @type {object} */ (claim.payload), creditsRemaining: state.credits },
          { 'idempotent-replayed': 'true' },
        )
      }
      if (typeof key === 'string') state.keys.set(key, 'pending')
      const [status, payload] = generate()
      if (typeof key === 'string') {
        if (status === 200) state.keys.set(key, { request, status, payload })
        else state.keys.delete(key)
      }
      if (status === 200 && state.loseAnswers > 0) {
        state.loseAnswers--
        return fail(500, 'internal_error', 'Answer lost (simulated)')
      }
      return send(status, payload)
    }
    if (req.method === 'POST' && url.pathname === '/v1/alt-text') {
      if (!body) return fail(400, 'invalid_request', 'JSON body expected')
      return idempotent(() => {
        if (state.credits < 1)
          return [402, { error: { code: 'insufficient_credits', message: 'Not enough credits' } }]
        const result = describe(body, String(body.language ?? 'en'))
        if ('error' in result) return [400, result]
        return [200, { ...result, creditsRemaining: state.credits }]
      })
    }
    if (req.method === 'POST' && url.pathname === '/v1/alt-text/batch') {
      const images = Array.isArray(body?.images) ? body.images : []
      if (images.length < 1 || images.length > 50)
        return fail(400, 'invalid_request', '1 to 50 images')
      return idempotent(() => {
        if (state.credits < images.length)
          return [402, { error: { code: 'insufficient_credits', message: 'Not enough credits' } }]
        const results = images.map((item) =>
          describe(item, String(item.language ?? body?.language ?? 'en')),
        )
        const used = results.filter((r) => !('error' in r)).length
        return [200, { results, creditsUsed: used, creditsRemaining: state.credits }]
      })
    }
    return fail(404, 'not_found', 'No such route')
  })

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
