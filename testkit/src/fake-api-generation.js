/**
 * The fake AltText API's generation routes: POST /v1/alt-text and /v1/alt-text/batch, with the
 * real API's Idempotency-Key rules, reuse, charges and per-image failures.
 */
import * as core from '@alttextapi/core'
import { chargeAndDescribe, priceOf } from './fake-api-describe.js'
import { failureError } from './fake-api-failures.js'
import {
  contentType,
  decodeInlineImage,
  FakeApiError,
  invalid,
  readBatchRequest,
  readIdempotencyKey,
  readSingleRequest,
  requireImage,
  sha256,
} from './fake-api-wire.js'
import { seedOf } from './images.js'

/** @typedef {import('./fake-api-describe.js').FakeImage} FakeImage */
/** @typedef {Omit<FakeImage, 'n' | 'sha256' | 'seed' | 'imageUrl' | 'bytes'>} ImageOptions */

/**
 * What the fake's routes share (changed by `program(...)`).
 * @typedef {object} FakeState
 * @property {import('./fake-api-account.js').FakeAccount} account
 * @property {import('./fake-api-describe.js').AltTextProgram | undefined} program
 * @property {boolean} reuse
 * @property {number} latencyMs
 * @property {Array<{ id: string, name: string, credits: number, longCredits?: number, default: boolean }>} models
 * @property {ReadonlyArray<{ id: string, credits: number, amount: number, currency: string }>} packs
 * @property {boolean} fetchImageUrls
 * @property {((image: FakeImage) => void) | undefined} onImage
 */

/**
 * Counters of a run.
 * @typedef {object} FakeStats
 * @property {number} calls generation calls (HTTP requests to the two routes), answered or not
 * @property {number} images images those calls asked for
 * @property {number} charged images described and charged
 * @property {number} reused images answered from an earlier description (`reused: true`, free)
 * @property {number} replayed calls answered as Idempotency-Key replays
 * @property {number} creditsUsed credits spent
 * @property {number} failed generation calls answered with an error or another programmed
 *   failure (a raw `answer`, a stalled body), or dropped
 * @property {number} maxInFlight the most generation calls open at the same time
 * @property {number} inFlight generation calls open now
 */

/** Batch items described at the same time (the real API's BATCH_CONCURRENCY). */
const BATCH_CONCURRENCY = 4

/**
 * @param {FakeState} fake
 * @param {{ failures: ReturnType<typeof import('./fake-api-failures.js').createFailures>, stats: FakeStats, images: FakeImage[] }} run
 */
export function createGeneration(fake, { failures, stats, images }) {
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
   * POST /v1/alt-text, after the key check.
   * @param {import('node:http').IncomingMessage} req
   * @param {Buffer} raw the body
   * @param {{ body?: unknown }} record where the parsed body is recorded
   */
  const single = async (req, raw, record) => {
    const key = readIdempotencyKey(req.headers['idempotency-key'])
    const { body, request, source } = await readSingleRequest(contentType(req.headers), raw)
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
      async () => describe(image, priceOf(model, options)),
    )
    return { payload: { ...payload, creditsRemaining: fake.account.balance }, replayed }
  }

  /**
   * POST /v1/alt-text/batch, after the key check.
   * @param {import('node:http').IncomingMessage} req
   * @param {Buffer} raw the body
   * @param {{ body?: unknown }} record where the parsed body is recorded
   */
  const batch = async (req, raw, record) => {
    const key = readIdempotencyKey(req.headers['idempotency-key'])
    const { body, request } = readBatchRequest(contentType(req.headers), raw)
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
        ...pick(item, ['context', 'purpose', 'fresh']),
        ...pick(request, ['long']),
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
      if (fake.account.balance < priceOf(model, request))
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
              return await describe(await imageOf(source, options), priceOf(model, options))
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

  return { single, batch }
}

/**
 * The fields of `from` that are set.
 * @param {Record<string, unknown>} from
 * @param {string[]} names
 */
function pick(from, names) {
  return Object.fromEntries(names.filter((n) => from[n] !== undefined).map((n) => [n, from[n]]))
}
