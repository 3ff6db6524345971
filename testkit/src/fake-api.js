/**
 * ONE fake of our own AltText API for every package's tests: a real HTTP server on loopback that
 * speaks the documented v1 contract (DESIGN.md, api/README.md) and validates requests with core's
 * own wire schemas and limits, so a client that breaks the contract fails its tests.
 *
 * Routes: POST /v1/alt-text (JSON with `imageUrl` or `image`, or multipart with a file field
 * `image`), POST /v1/alt-text/batch, GET /v1/models, /v1/account, /v1/credits, /v1/usage, /health.
 * Bearer key check (401), balance with a ledger (402), reuse by image SHA-256 (`reused: true`,
 * `creditsUsed: 0`), `Idempotency-Key` (a replay answers the same with `Idempotent-Replayed: true`
 * and no charge; one still running answers 429 with `Retry-After: 1`; another request with the
 * key 400; a failed request frees its key).
 *
 * Programmable in the test's process (`program`, `fail`, `holdKey`, `reset`) or over HTTP from
 * another process (see fake-api-control.js).
 */
import * as core from '@alttextapi/core'
import { createAccount } from './fake-api-account.js'
import { handleControl } from './fake-api-control.js'
import { chargeAndDescribe } from './fake-api-describe.js'
import { createFailures, failureError } from './fake-api-failures.js'
import {
  decodeInlineImage,
  FakeApiError,
  invalid,
  isJson,
  readBatchRequest,
  readIdempotencyKey,
  readSingleRequest,
  requireImage,
  sha256,
} from './fake-api-wire.js'
import { listen, readBody, sendJson } from './http.js'
import { seedOf } from './images.js'

/** @typedef {import('./fake-api-describe.js').FakeImage} FakeImage */
/** @typedef {import('./fake-api-describe.js').AltTextProgram} AltTextProgram */
/** @typedef {import('./fake-api-failures.js').FailureSpec} FailureSpec */
/** @typedef {Omit<FakeImage, 'n' | 'sha256' | 'seed' | 'imageUrl' | 'bytes'>} ImageOptions */

/** The key the fake accepts unless told otherwise (`atk_` + 40 characters, like a real key). */
export const FAKE_API_KEY = 'atk_fake0123456789abcdefghijklmnopqrstuvwxyz'

/** The fake's models: two ids of the real registry, at their real prices. */
export const FAKE_MODELS = [
  { id: 'google/gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash Lite', credits: 1, default: true },
  {
    id: 'qwen/qwen2.5-vl-72b-instruct',
    name: 'Qwen 2.5 VL 72B Instruct',
    credits: 2,
    default: false,
  },
]

/** The authenticated read routes. */
const ACCOUNT_READS = ['/v1/account', '/v1/credits', '/v1/usage']

/** Batch items described at the same time (the real API's BATCH_CONCURRENCY). */
const BATCH_CONCURRENCY = 4

/**
 * What can be programmed, at the start or later with `program(...)`.
 * @typedef {object} FakeApiProgram
 * @property {AltTextProgram} [altText] the description per image (default: `defaultAltText`)
 * @property {number} [latencyMs] how long describing one image takes (the model's time): a single
 *   call answers after it, a batch describes its items 4 at a time like the real API
 * @property {number} [balance] the account's credits (a ledger row records the change)
 * @property {Array<{ id: string, name: string, credits: number, default: boolean }>} [models]
 * @property {boolean} [reuse] reuse descriptions by image hash like the real API (default true)
 * @property {boolean} [storeHistory] the account's history setting; false keeps nothing for reuse
 * @property {boolean} [fetchImageUrls] fetch `imageUrl`s and use their bytes (check and hash);
 *   default false: a URL is hashed as text and never fetched
 * @property {(image: FakeImage) => void} [onImage] runs when an image arrives, before its answer
 */

/**
 * One HTTP request the fake received.
 * @typedef {object} FakeRequest
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string | undefined} authorization
 * @property {string | undefined} idempotencyKey
 * @property {any} body the parsed JSON body, or the multipart fields (the file as `{file, size, type}`)
 * @property {number} [status] the status answered (undefined while running, or when the
 *   connection was dropped)
 */

/**
 * Starts the fake on 127.0.0.1 and a free port.
 * @param {FakeApiProgram & { key?: string | string[], keepAlive?: boolean }} [options]
 *   `key`: accepted API key(s), default FAKE_API_KEY; `keepAlive`: default false — every answer
 *   closes its connection, so a client never reuses a socket the server is just closing.
 */
export async function startFakeApi(options = {}) {
  const keys = new Set([options.key ?? FAKE_API_KEY].flat())
  const failures = createFailures()
  const fake = {
    account: createAccount(options.balance ?? 1000),
    /** @type {AltTextProgram | undefined} */
    program: options.altText,
    reuse: options.reuse ?? true,
    latencyMs: options.latencyMs ?? 0,
    models: options.models ?? FAKE_MODELS,
    fetchImageUrls: options.fetchImageUrls ?? false,
    onImage: options.onImage,
  }
  if (options.storeHistory !== undefined) fake.account.storeHistory = options.storeHistory
  /** @type {FakeRequest[]} */
  const requests = []
  /** @type {FakeImage[]} */
  const images = []
  const stats = {
    /** Generation calls (HTTP requests to the two generation routes), answered or not. */
    calls: 0,
    /** Images those calls asked for. */
    images: 0,
    /** Images described and charged. */
    charged: 0,
    /** Images answered from an earlier description (`reused: true`, free). */
    reused: 0,
    /** Calls answered as Idempotency-Key replays. */
    replayed: 0,
    /** Credits spent. */
    creditsUsed: 0,
    /** Generation calls answered with an error (or dropped). */
    failed: 0,
    /** The most generation calls open at the same time. */
    maxInFlight: 0,
    inFlight: 0,
  }

  /** @param {string} [id] */
  const resolveModel = (id) => {
    const wanted = id ?? fake.models.find((m) => m.default)?.id ?? fake.models[0]?.id
    const model = fake.models.find((m) => m.id === wanted)
    if (!model)
      throw invalid(
        `Unknown model "${wanted}". Valid models: ${fake.models.map((m) => m.id).join(', ')}.`,
      )
    return model
  }

  /** @param {import('node:http').IncomingMessage} req */
  const requireKey = (req) => {
    const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))
    if (!match || !keys.has(match[1] ?? ''))
      throw new FakeApiError(401, 'unauthorized', 'Missing or invalid API key.')
  }

  /**
   * The bytes behind an image URL, when the fake fetches URLs (422 when it cannot).
   * @param {string} url
   */
  const fetchImage = async (url) => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      if (!res.ok) throw new Error(`status ${res.status}`)
      return new Uint8Array(await res.arrayBuffer())
    } catch (error) {
      throw new FakeApiError(422, 'image_fetch_failed', `The image could not be fetched: ${error}`)
    }
  }

  /**
   * A FakeImage for one source and its options; the bytes are checked (415/413).
   * @param {{ imageUrl: string } | { bytes: Uint8Array }} source
   * @param {ImageOptions} options
   * @returns {Promise<FakeImage>}
   */
  const imageOf = async (source, options) => {
    const bytes =
      'bytes' in source
        ? source.bytes
        : fake.fetchImageUrls
          ? await fetchImage(source.imageUrl)
          : undefined
    if (bytes) requireImage(bytes)
    /** @type {FakeImage} */
    const image = {
      ...options,
      n: images.length + 1,
      ...('imageUrl' in source ? { imageUrl: source.imageUrl } : {}),
      ...(bytes ? { bytes } : {}),
      sha256: bytes ? sha256(bytes) : sha256(`url:${/** @type {any} */ (source).imageUrl}`),
    }
    const seed = bytes ? seedOf(bytes) : undefined
    if (seed !== undefined) image.seed = seed
    images.push(image)
    return image
  }

  /**
   * Describes one image: its programmed failure, else reused or charged.
   * @param {FakeImage} image
   * @param {number} price
   */
  const describe = async (image, price) => {
    fake.onImage?.(image)
    if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs))
    const failure = failures.takeImage(image)
    if (failure) throw failureError(failure)
    const { answer, charged } = chargeAndDescribe(fake, image, price)
    if (charged) {
      stats.charged++
      stats.creditsUsed += answer.creditsUsed
    } else stats.reused++
    return answer
  }

  /**
   * Runs `work` under the request's Idempotency-Key, as the real API does.
   * @param {string | undefined} key
   * @param {unknown} canonical the request with defaults filled in and images by hash
   * @param {() => Promise<any>} work answers the 200 payload or throws a FakeApiError
   * @returns {Promise<{ payload: any, replayed: boolean }>}
   */
  const idempotent = async (key, canonical, work) => {
    if (key === undefined) return { payload: await work(), replayed: false }
    const request = JSON.stringify(canonical)
    const claim = fake.account.keys.get(key)
    if (claim?.state === 'pending')
      throw new FakeApiError(
        429,
        'rate_limited',
        'A request with this Idempotency-Key is still in progress; retry in a moment.',
        { 'retry-after': '1' },
      )
    if (claim && claim.request !== request)
      throw new FakeApiError(
        400,
        'idempotency_key_reused',
        'Idempotency-Key reused with a different request: send a new key for a new request.',
      )
    if (claim) return { payload: claim.payload, replayed: true }
    fake.account.keys.set(key, { state: 'pending' })
    try {
      const payload = await work()
      fake.account.keys.set(key, { state: 'done', request, status: 200, payload })
      return { payload, replayed: false }
    } catch (error) {
      fake.account.keys.delete(key)
      throw error
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {Buffer} raw
   * @param {FakeRequest} record
   */
  const single = async (req, raw, record) => {
    const key = readIdempotencyKey(req.headers['idempotency-key'])
    const { body, request, source } = await readSingleRequest(contentType(req), raw)
    record.body = body
    const model = resolveModel(request.model)
    const options = {
      endpoint: /** @type {const} */ ('/v1/alt-text'),
      index: 0,
      language: request.language ?? 'en',
      model: model.id,
      maxLength: request.maxLength ?? core.LIMITS.defaultMaxLength,
      idempotencyKey: key,
      ...pick(request, ['context', 'purpose', 'long', 'fresh']),
    }
    stats.images++
    const image = await imageOf(source, options)
    const { payload, replayed } = await idempotent(
      key,
      ['/v1/alt-text', image.sha256, options, model.id],
      async () => describe(image, model.credits),
    )
    return { payload: { ...payload, creditsRemaining: fake.account.balance }, replayed }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {Buffer} raw
   * @param {FakeRequest} record
   */
  const batch = async (req, raw, record) => {
    const key = readIdempotencyKey(req.headers['idempotency-key'])
    const { body, request } = readBatchRequest(contentType(req), raw)
    record.body = body
    const model = resolveModel(request.model)
    stats.images += request.images.length
    /** @type {Array<{ item: { imageUrl?: string, image?: string }, options: ImageOptions }>} */
    const items = request.images.map((/** @type {any} */ item, /** @type {number} */ index) => ({
      item,
      options: {
        endpoint: /** @type {const} */ ('/v1/alt-text/batch'),
        index,
        language: item.language ?? request.language ?? 'en',
        model: model.id,
        maxLength: item.maxLength ?? core.LIMITS.defaultMaxLength,
        idempotencyKey: key,
        ...pick(item, ['context', 'purpose', 'long', 'fresh']),
      },
    }))
    const canonical = [
      '/v1/alt-text/batch',
      model.id,
      items.map(({ item, options }) => [
        item.imageUrl ?? sha256(String(item.image).trim()),
        options,
      ]),
    ]
    const { payload, replayed } = await idempotent(key, canonical, async () => {
      // Nothing in the batch could be paid for: answered as a whole, like the real API.
      if (fake.account.balance < model.credits)
        throw new FakeApiError(402, 'insufficient_credits', 'The balance cannot pay for one image.')
      // Items run BATCH_CONCURRENCY at a time, as in the real API (latency is per image).
      const limit = core.createLimiter(BATCH_CONCURRENCY)
      const results = await Promise.all(
        items.map(({ item, options }) =>
          limit(async () => {
            try {
              const source =
                item.imageUrl !== undefined
                  ? { imageUrl: item.imageUrl }
                  : { bytes: decodeInlineImage(item.image ?? '') }
              return await describe(await imageOf(source, options), model.credits)
            } catch (error) {
              if (!(error instanceof FakeApiError)) throw error
              return { error: { code: error.code, message: error.message } }
            }
          }),
        ),
      )
      const creditsUsed = results.reduce(
        (sum, r) => sum + ('creditsUsed' in r ? r.creditsUsed : 0),
        0,
      )
      return { results, creditsUsed }
    })
    return { payload: { ...payload, creditsRemaining: fake.account.balance }, replayed }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {FakeRequest} record
   */
  const generation = async (req, res, url, record) => {
    stats.calls++
    stats.inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
    try {
      // The body is read (and recorded, when it is JSON) even for a call that will fail.
      const raw = await readBody(req)
      if (isJson(contentType(req)))
        try {
          record.body = JSON.parse(raw.toString('utf8'))
        } catch {}
      const failure = failures.takeCall(true)
      if (failure?.hang) return
      if (failure?.reset) return drop(req, record)
      if (failure) throw failureError(failure)
      requireKey(req)
      const { payload, replayed } =
        url.pathname === '/v1/alt-text'
          ? await single(req, raw, record)
          : await batch(req, raw, record)
      const lost = failures.takeAfterCharge()
      if (lost?.hang) return
      if (lost?.reset) return drop(req, record)
      if (lost) throw failureError(lost)
      if (replayed) stats.replayed++
      send(res, record, 200, payload, replayed ? { 'idempotent-replayed': 'true' } : {})
    } finally {
      stats.inFlight--
    }
  }

  /** @param {import('node:http').IncomingMessage} req @param {FakeRequest} record */
  const drop = (req, record) => {
    record.status = undefined
    req.socket.destroy()
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {FakeRequest} record
   * @param {number} status
   * @param {unknown} payload
   * @param {Record<string, string>} [headers]
   */
  const send = (res, record, status, payload, headers = {}) => {
    record.status = status
    if (record.path.startsWith('/v1/alt-text') && status !== 200) stats.failed++
    sendJson(res, status, payload, {
      ...(options.keepAlive ? {} : { connection: 'close' }),
      ...(record.path.startsWith('/v1/') && record.path !== '/v1/models'
        ? { 'cache-control': 'no-store' }
        : {}),
      ...headers,
    })
  }

  /**
   * The read routes (GET), authenticated except /health and /v1/models.
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @returns {unknown} the payload
   */
  const read = (req, url) => {
    if (url.pathname === '/health') return { ok: true }
    if (url.pathname === '/v1/models') return { models: fake.models }
    if (!ACCOUNT_READS.includes(url.pathname))
      throw new FakeApiError(404, 'not_found', 'No such route.')
    requireKey(req)
    const { account } = fake
    if (url.pathname === '/v1/account') return account.user()
    const limit = readLimit(
      url.searchParams.get('limit'),
      url.pathname === '/v1/credits' ? 100 : 50,
    )
    if (url.pathname === '/v1/credits')
      return { balance: account.balance, ledger: [...account.ledger].reverse().slice(0, limit) }
    const from = url.searchParams.get('from')
    const to = url.searchParams.get('to')
    const records = [...account.usage]
      .reverse()
      .filter((r) => (!from || r.createdAt >= from) && (!to || r.createdAt < to))
    const start = Number(url.searchParams.get('cursor') ?? 0) || 0
    const page = records.slice(start, start + limit)
    return {
      records: page,
      nextCursor: start + limit < records.length ? String(start + limit) : null,
    }
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (url.pathname.startsWith('/__fake/')) return handleControl(req, res, url, api)
    /** @type {FakeRequest} */
    const record = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      authorization: req.headers.authorization,
      idempotencyKey: /** @type {string | undefined} */ (req.headers['idempotency-key']),
      body: undefined,
    }
    requests.push(record)
    try {
      if (req.method === 'POST' && ['/v1/alt-text', '/v1/alt-text/batch'].includes(url.pathname))
        return await generation(req, res, url, record)
      if (req.method === 'GET') {
        // Failures with `scope: 'all'` reach the authenticated reads too.
        const failure = ACCOUNT_READS.includes(url.pathname) ? failures.takeCall(false) : undefined
        if (failure?.hang) return
        if (failure?.reset) return drop(req, record)
        if (failure) throw failureError(failure)
        return send(res, record, 200, read(req, url))
      }
      throw new FakeApiError(404, 'not_found', 'No such route.')
    } catch (error) {
      if (error instanceof FakeApiError)
        return send(
          res,
          record,
          error.status,
          { error: { code: error.code, message: error.message } },
          error.headers,
        )
      // A bug in the fake or a test's callback: say so loudly in the answer and the log.
      console.error('fake API:', error)
      send(res, record, 500, { error: { code: 'internal_error', message: String(error) } })
    }
  })

  const api = {
    /** Base URL (no trailing slash), e.g. for `ALTTEXT_API_URL`. */
    url: server.url,
    /** The API key the fake accepts (the first, when several). */
    key: [...keys][0] ?? FAKE_API_KEY,
    /** Every request received (control requests excepted), in order. */
    requests,
    /** Every image generation calls asked for, in order. */
    images,
    /** Counters since the start or the last `reset()`. */
    stats,
    /** The account: balance, ledger, usage, kept descriptions, Idempotency-Key claims. */
    account: fake.account,
    /** The account's balance now. */
    get balance() {
      return fake.account.balance
    },
    /**
     * Changes what is programmed (only the fields given).
     * @param {FakeApiProgram} program
     */
    program(program) {
      if ('altText' in program) fake.program = program.altText
      if (program.latencyMs !== undefined) fake.latencyMs = program.latencyMs
      if (program.balance !== undefined) fake.account.setBalance(program.balance)
      if (program.models !== undefined) fake.models = program.models
      if (program.reuse !== undefined) fake.reuse = program.reuse
      if (program.storeHistory !== undefined) fake.account.storeHistory = program.storeHistory
      if (program.fetchImageUrls !== undefined) fake.fetchImageUrls = program.fetchImageUrls
      if ('onImage' in program) fake.onImage = program.onImage
    },
    /**
     * Programs a failure (see FailureSpec): e.g. `fail({ code: 'rate_limited', retryAfter: 2 })`
     * for the next call, `fail({ status: 401, times: Infinity })` for every call,
     * `fail({ reset: true })` to drop the next connection, `fail({ code: 'model_error', image:
     * { seed: 3 }, times: Infinity })` for one image.
     * @param {FailureSpec} spec
     */
    fail(spec) {
      failures.add(spec)
    },
    /** Forgets the programmed failures. */
    clearFailures() {
      failures.clear()
    },
    /** Marks an Idempotency-Key as still running (its requests answer 429). @param {string} key */
    holdKey(key) {
      fake.account.keys.set(key, { state: 'pending' })
    },
    /** Frees an Idempotency-Key (held or completed). @param {string} key */
    releaseKey(key) {
      fake.account.keys.delete(key)
    },
    /**
     * Starts a new run: forgets requests, images, counters, failures, kept descriptions and
     * Idempotency-Keys; keeps the balance and what was programmed.
     */
    reset() {
      requests.length = 0
      images.length = 0
      for (const name of /** @type {Array<keyof typeof stats>} */ (Object.keys(stats)))
        if (name !== 'inFlight') stats[name] = 0
      failures.clear()
      fake.account.reset()
    },
    /** Stops the server (open connections are dropped). */
    stop: server.close,
    /** The same as `stop`, named like the other fakes' `close`. */
    close: server.close,
  }
  return api
}

/** @typedef {Awaited<ReturnType<typeof startFakeApi>>} FakeApi */

/** @param {import('node:http').IncomingMessage} req */
const contentType = (req) => String(req.headers['content-type'] ?? '')

/**
 * The fields of `from` that are set.
 * @param {Record<string, unknown>} from
 * @param {string[]} names
 */
function pick(from, names) {
  return Object.fromEntries(names.filter((n) => from[n] !== undefined).map((n) => [n, from[n]]))
}

/**
 * `?limit`: a whole number from 1 to the page size limit.
 * @param {string | null} value
 * @param {number} fallback
 */
function readLimit(value, fallback) {
  if (value === null || value === '') return fallback
  const limit = Number(value)
  if (!/^\d{1,4}$/.test(value) || limit < 1 || limit > core.LIMITS.maxUsagePageSize)
    throw invalid(`limit must be a whole number from 1 to ${core.LIMITS.maxUsagePageSize}.`)
  return limit
}
