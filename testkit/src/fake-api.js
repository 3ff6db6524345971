/**
 * ONE fake of our own AltText API for every package's tests: a real HTTP server on loopback that
 * speaks the documented v1 contract (DESIGN.md, api/README.md) and validates requests with core's
 * own wire schemas and limits, so a client that breaks the contract fails its tests.
 *
 * Routes: POST /v1/alt-text (JSON with `imageUrl` or `image`, or multipart with a file field
 * `image`), POST /v1/alt-text/batch, GET /v1/models, /v1/billing/packs, /v1/account, /v1/credits,
 * /v1/usage, /health.
 * Bearer key check (401), balance with a ledger (402), reuse by image SHA-256 (`reused: true`,
 * `creditsUsed: 0`), `Idempotency-Key` (a replay answers the same with `Idempotent-Replayed: true`
 * and no charge; one still running answers 429 with `Retry-After: 1`; another request with the
 * key 400; a failed request frees its key).
 *
 * Programmable in the test's process (`program`, `fail`, `holdKey`, `reset`) or over HTTP from
 * another process (see fake-api-control.js). Besides the contract's errors, `fail` gives the faults
 * a client meets on the way: a dropped connection, no answer, a body that stalls after the headers,
 * and any raw answer (a proxy's HTML page, a 200 of the wrong shape).
 */
import { createAccount } from './fake-api-account.js'
import { handleControl } from './fake-api-control.js'
import { createFailures, failureError } from './fake-api-failures.js'
import { createGeneration } from './fake-api-generation.js'
import { ACCOUNT_READS, FAKE_PACKS, readRoute } from './fake-api-reads.js'
import { contentType, FakeApiError, isJson } from './fake-api-wire.js'
import { listen, readBody, sendJson } from './http.js'

/** @typedef {import('./fake-api-describe.js').FakeImage} FakeImage */
/** @typedef {import('./fake-api-describe.js').AltTextProgram} AltTextProgram */
/** @typedef {import('./fake-api-failures.js').FailureSpec} FailureSpec */

/** The key the fake accepts unless told otherwise (`atk_` + 40 characters, like a real key). */
export const FAKE_API_KEY = 'atk_fake0123456789abcdefghijklmnopqrstuvwxyz'

/** The fake's models: two ids of the real registry, at their real prices. */
export const FAKE_MODELS = [
  {
    id: 'google/gemini-2.5-flash-lite',
    name: 'Gemini 2.5 Flash Lite',
    credits: 1,
    longCredits: 1,
    default: true,
  },
  {
    id: 'qwen/qwen2.5-vl-72b-instruct',
    name: 'Qwen 2.5 VL 72B Instruct',
    credits: 2,
    longCredits: 1,
    default: false,
  },
]

/**
 * What can be programmed, at the start or later with `program(...)`.
 * @typedef {object} FakeApiProgram
 * @property {AltTextProgram} [altText] the description per image (default: `defaultAltText`)
 * @property {number} [latencyMs] how long describing one image takes (the model's time): a single
 *   call answers after it, a batch describes its items 4 at a time like the real API
 * @property {number} [balance] the account's credits (a ledger row records the change)
 * @property {Array<{ id: string, name: string, credits: number, longCredits?: number, default: boolean }>} [models]
 *   (`longCredits` defaults to the contract's `LONG_DESCRIPTION_CREDITS`)
 * @property {ReadonlyArray<{ id: string, credits: number, amount: number, currency: string }>} [packs]
 *   the credit packs GET /v1/billing/packs lists (default `FAKE_PACKS`)
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
 * @property {string} url the request target as received: the path and the query, as sent
 * @property {Record<string, string>} query
 * @property {number} at when it arrived (`Date.now()`)
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string | undefined} authorization
 * @property {string | undefined} idempotencyKey
 * @property {any} body the parsed JSON body, or the multipart fields (the file as `{file, size, type}`)
 * @property {number} [status] the status answered (undefined while running, or when the
 *   connection was dropped)
 * @property {boolean} [aborted] true once the connection closed before a whole answer went out:
 *   the client gave up (its abort or timeout), or the fake dropped it (`reset`) or stopped
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
  /** @type {import('./fake-api-generation.js').FakeState} */
  const fake = {
    account: createAccount(options.balance ?? 1000),
    program: options.altText,
    reuse: options.reuse ?? true,
    latencyMs: options.latencyMs ?? 0,
    models: options.models ?? FAKE_MODELS,
    packs: options.packs ?? FAKE_PACKS,
    fetchImageUrls: options.fetchImageUrls ?? false,
    onImage: options.onImage,
  }
  if (options.storeHistory !== undefined) fake.account.storeHistory = options.storeHistory
  /** @type {FakeRequest[]} */
  const requests = []
  /** @type {FakeImage[]} */
  const images = []
  /** @type {import('./fake-api-generation.js').FakeStats} */
  const stats = {
    calls: 0,
    images: 0,
    charged: 0,
    reused: 0,
    replayed: 0,
    creditsUsed: 0,
    failed: 0,
    maxInFlight: 0,
    inFlight: 0,
  }
  const { single, batch } = createGeneration(fake, { failures, stats, images })

  /** @param {import('node:http').IncomingMessage} req */
  const requireKey = (req) => {
    const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))
    if (!match || !keys.has(match[1] ?? ''))
      throw new FakeApiError(401, 'unauthorized', 'Missing or invalid API key.')
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
      if (isJson(contentType(req.headers)))
        try {
          record.body = JSON.parse(raw.toString('utf8'))
        } catch {}
      const failure = failures.takeCall(true)
      if (failure) return fault(req, res, record, failure)
      requireKey(req)
      const { payload, replayed } =
        url.pathname === '/v1/alt-text'
          ? await single(req, raw, record)
          : await batch(req, raw, record)
      const lost = failures.takeAfterCharge()
      if (lost) return fault(req, res, record, lost)
      if (replayed) stats.replayed++
      send(res, record, 200, payload, replayed ? { 'idempotent-replayed': 'true' } : {})
    } finally {
      stats.inFlight--
    }
  }

  /**
   * Ends a call with a programmed failure: no answer (`hang`), a dropped connection (`reset`), a
   * stalled body (`stallBody`), a raw answer (`answer`), or the error answer.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {FakeRequest} record
   * @param {FailureSpec} failure
   */
  const fault = (req, res, record, failure) => {
    if (failure.hang) return
    if (failure.reset) return drop(req, record)
    if (failure.stallBody) return stall(res, record)
    if (failure.answer) return sendRaw(res, record, failure.answer)
    throw failureError(failure)
  }

  /** @param {import('node:http').IncomingMessage} req @param {FakeRequest} record */
  const drop = (req, record) => {
    record.status = undefined
    if (record.path.startsWith('/v1/alt-text')) stats.failed++
    req.socket.destroy()
  }

  /** The answer's own headers: the connection's, and no-store on the account's routes. */
  const baseHeaders = (/** @type {FakeRequest} */ record) => ({
    ...(options.keepAlive ? {} : { connection: 'close' }),
    ...(record.path.startsWith('/v1/') && record.path !== '/v1/models'
      ? { 'cache-control': 'no-store' }
      : {}),
  })

  /**
   * Sends the headers of a 200 JSON answer and the start of its body, then nothing more.
   * @param {import('node:http').ServerResponse} res
   * @param {FakeRequest} record
   */
  const stall = (res, record) => {
    record.status = 200
    if (record.path.startsWith('/v1/alt-text')) stats.failed++
    res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders(record) })
    res.write('{"altText":')
  }

  /**
   * Sends a programmed answer as it is (see RawAnswer).
   * @param {import('node:http').ServerResponse} res
   * @param {FakeRequest} record
   * @param {import('./fake-api-failures.js').RawAnswer} answer
   */
  const sendRaw = (res, record, { status, headers = {}, body }) => {
    record.status = status
    if (record.path.startsWith('/v1/alt-text')) stats.failed++
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    /** @type {Record<string, string>} */
    const type =
      body === undefined
        ? {}
        : {
            'content-type':
              typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
          }
    const own = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
    )
    res.writeHead(status, {
      ...baseHeaders(record),
      ...type,
      'content-length': String(Buffer.byteLength(text)),
      ...own,
    })
    res.end(text)
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
    sendJson(res, status, payload, { ...baseHeaders(record), ...headers })
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (url.pathname.startsWith('/__fake/')) return handleControl(req, res, url, api)
    /** @type {FakeRequest} */
    const record = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url: req.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      at: Date.now(),
      headers: req.headers,
      authorization: req.headers.authorization,
      idempotencyKey: /** @type {string | undefined} */ (req.headers['idempotency-key']),
      body: undefined,
    }
    requests.push(record)
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true
    })
    try {
      if (req.method === 'POST' && ['/v1/alt-text', '/v1/alt-text/batch'].includes(url.pathname))
        return await generation(req, res, url, record)
      if (req.method === 'GET') {
        // Failures with `scope: 'all'` reach the authenticated reads too.
        const failure = ACCOUNT_READS.includes(url.pathname) ? failures.takeCall(false) : undefined
        if (failure) return fault(req, res, record, failure)
        if (ACCOUNT_READS.includes(url.pathname)) requireKey(req)
        return send(res, record, 200, readRoute(fake, url))
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
      if (program.packs !== undefined) fake.packs = program.packs
      if (program.reuse !== undefined) fake.reuse = program.reuse
      if (program.storeHistory !== undefined) fake.account.storeHistory = program.storeHistory
      if (program.fetchImageUrls !== undefined) fake.fetchImageUrls = program.fetchImageUrls
      if ('onImage' in program) fake.onImage = program.onImage
    },
    /**
     * Programs a failure (see FailureSpec): e.g. `fail({ code: 'rate_limited', retryAfter: 2 })`
     * for the next call, `fail({ status: 401, times: Infinity })` for every call,
     * `fail({ reset: true })` to drop the next connection, `fail({ code: 'model_error', image:
     * { seed: 3 }, times: Infinity })` for one image, `fail({ stallBody: true })` for headers and
     * then a stalled body, `fail({ answer: { status: 502, headers: { 'content-type': 'text/html' },
     * body: '<h1>Bad Gateway</h1>' } })` for a proxy's page.
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
