/** `createClient`: one method per API route a plugin needs. */
import { AltTextError } from './alttext-error.js'
import { CLIENT_ID, DEFAULT_BASE_URL, DEFAULTS } from './config.js'
import type { Purpose } from './contract/description.js'
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from './contract/idempotency.js'
import { pickImageSource } from './contract/image-source.js'
import { ERROR_STATUS, type ErrorCode } from './errors.js'
import { type Call, send, type Transport } from './http.js'
import { base64Size, type ImageInput, imageBytes, toBase64 } from './image.js'
import { LIMITS } from './limits.js'
import type {
  AltTextResponse,
  BatchItem,
  BatchResponse,
  Credits,
  ModelList,
  PackList,
  UsagePage,
  User,
} from './wire.js'

/** Options of `createClient`. */
export interface ClientOptions {
  /** API key (`atk_…`). Needed by every route but `models()`. */
  apiKey?: string | undefined
  /** Default: `DEFAULT_BASE_URL` (the hosted API). */
  baseUrl?: string | undefined
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch | undefined
  /** Per-attempt timeout in ms, body included. Default 90000 (above the API's deadline). */
  timeoutMs?: number | undefined
  /** Retries after the first attempt, for network errors, timeouts, 429 and 5xx. Default 3. */
  maxRetries?: number | undefined
  /** Prepended to `alttextapi-core/<version>` in `User-Agent` (not sent from browsers). */
  userAgent?: string | undefined
  /** Backoff base in ms: retry n waits a random time up to base·2ⁿ. Default 500. */
  retryBaseMs?: number | undefined
  /** Ceiling of one backoff wait in ms. Default 30000. */
  maxRetryDelayMs?: number | undefined
  /** A 429 asking to wait longer than this (seconds) fails at once instead. Default 120. */
  maxRetryAfterSeconds?: number | undefined
}

/** Per-request options of generation. */
export interface GenerateOptions {
  /** BCP 47 tag; default `en` (set by the API). */
  language?: string | undefined
  /** A model id from `models()`; default the API's default model. */
  model?: string | undefined
  /** Page title, nearby text: helps the model say what matters. */
  context?: string | undefined
  /** Longest alt text in characters (20–1000, default 125). */
  maxLength?: number | undefined
  /** What the image is for: `content` (the API's default), `link` (the link target and text in `context`) or `auto`. */
  purpose?: Purpose | undefined
  /** Also ask for a long description (charts, diagrams, screenshots of text); costs extra credits. */
  long?: boolean | undefined
  /**
   * The `Idempotency-Key` of this call (1–200 printable ASCII characters), the same on every
   * retry, so a retried request is never charged twice. Default: a random UUID per call.
   */
  idempotencyKey?: string | undefined
  /** Ask for a new, charged description instead of reusing an earlier one of the same image. */
  fresh?: boolean | undefined
  signal?: AbortSignal | undefined
}

/** One image of a batch, with its own options. */
export type BatchImage = ImageInput & {
  context?: string | undefined
  maxLength?: number | undefined
  language?: string | undefined
  purpose?: Purpose | undefined
  /** Describe this item anew, charged, even when a description of it is kept for reuse. */
  fresh?: boolean | undefined
}

/** A batch: up to 50 images per request (more are sent as several requests, one after another). */
export interface BatchRequestInput {
  images: BatchImage[]
  language?: string | undefined
  model?: string | undefined
  /** Ask for long descriptions for every image (a batch has one model and one price per image). */
  long?: boolean | undefined
  /**
   * The `Idempotency-Key` (default: a random UUID per call). A batch of more than 50 images is
   * sent as several requests: the first carries the key, request n (from 1) carries `key:n`.
   */
  idempotencyKey?: string | undefined
  signal?: AbortSignal | undefined
}

/** Query of `usage()`. */
export interface UsageQuery {
  limit?: number | undefined
  cursor?: string | undefined
  /** ISO date-time (inclusive). */
  from?: string | undefined
  /** ISO date-time. */
  to?: string | undefined
}

/** The client. Every method rejects with `AltTextError`. */
export interface AltTextClient {
  /** Describes one image. */
  generate(input: ImageInput & GenerateOptions): Promise<AltTextResponse>
  /** Describes many images in one request per 50; each result is alt text or an error. */
  generateBatch(request: BatchRequestInput): Promise<BatchResponse>
  /** Available models and their price in credits. */
  models(options?: { signal?: AbortSignal }): Promise<ModelList>
  /** The key owner's account. */
  account(options?: { signal?: AbortSignal }): Promise<User>
  /** One page of usage records. */
  usage(query?: UsageQuery & { signal?: AbortSignal }): Promise<UsagePage>
  /** Balance and ledger. */
  credits(options?: { signal?: AbortSignal }): Promise<Credits>
  /** Credit packs on sale. */
  packs(options?: { signal?: AbortSignal }): Promise<PackList>
  /** The base URL in use (without trailing slash). */
  readonly baseUrl: string
}

const isBrowser = () =>
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof (globalThis as { window?: unknown }).window !== 'undefined'

function invalid(detail: string): AltTextError {
  return new AltTextError({ code: 'invalid_request', status: 0, detail })
}

/** The wire form of one image: exactly one of `imageUrl` or base64 `image`, size-checked. */
async function wireImage(input: ImageInput): Promise<{ imageUrl: string } | { image: string }> {
  const picked = pickImageSource(input)
  if (!picked.ok) throw invalid(picked.message)
  if ('imageUrl' in picked.source) return picked.source
  const { image } = picked.source
  if (typeof image === 'string') {
    checkSize(base64Size(image))
    if (image.length === 0) throw invalid('The image is empty')
    return { image }
  }
  const bytes = await imageBytes(image)
  checkSize(bytes.length)
  if (bytes.length === 0) throw invalid('The image is empty')
  return { image: toBase64(bytes) }
}

/** The key of one logical call: the caller's (checked), else a random UUID. */
function idempotencyKey(given: string | undefined): string {
  if (given === undefined) return crypto.randomUUID()
  if (!isIdempotencyKey(given)) throw invalid(`idempotencyKey must be ${IDEMPOTENCY_KEY_RULE}`)
  return given
}

/** Refuses an image over the API's limit before spending a round trip on it. */
function checkSize(size: number): void {
  if (size > LIMITS.maxImageBytes)
    throw new AltTextError({
      code: 'payload_too_large',
      status: 0,
      detail: `The image has ${size} bytes, over the ${LIMITS.maxImageBytes} byte limit`,
    })
}

/** Copies the defined fields only: JSON drops undefined anyway, but tests read bodies. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function assertShape(ok: boolean, what: string): void {
  if (!ok)
    throw new AltTextError({
      code: 'invalid_response',
      status: 200,
      detail: `The answer had no valid ${what}`,
    })
}

/**
 * Creates a client. Works wherever `fetch` and Web Crypto exist: browsers, Node 20, Workers.
 * Keys in browser code are visible to every visitor: use a key there only for your own tools.
 */
export function createClient(options: ClientOptions = {}): AltTextClient {
  const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)
  const transport: Transport = {
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    apiKey: options.apiKey?.trim() || undefined,
    fetch: options.fetch ?? globalFetch,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: Math.max(0, options.maxRetries ?? DEFAULTS.maxRetries),
    retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
    maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds,
    // Browsers refuse or preflight a custom User-Agent; elsewhere it identifies the caller.
    userAgent: isBrowser()
      ? undefined
      : options.userAgent
        ? `${options.userAgent} ${CLIENT_ID}`
        : CLIENT_ID,
  }
  const call = (c: Call) => send(transport, c)

  const generateBatchChunk = async (
    images: BatchImage[],
    request: BatchRequestInput,
    key: string,
  ): Promise<BatchResponse> => {
    const items: BatchItem[] = await Promise.all(
      images.map(async (item) =>
        defined({
          ...(await wireImage(item)),
          context: item.context,
          maxLength: item.maxLength,
          language: item.language,
          purpose: item.purpose,
          fresh: item.fresh === true ? true : undefined,
        }),
      ),
    )
    const body = defined({
      images: items,
      language: request.language,
      model: request.model,
      long: request.long === true ? true : undefined,
    })
    const json = (await call({
      method: 'POST',
      path: '/v1/alt-text/batch',
      body,
      signal: request.signal,
      auth: true,
      headers: { 'idempotency-key': key },
    })) as BatchResponse
    assertShape(
      Array.isArray(json?.results) && json.results.length === images.length,
      'results (one per image)',
    )
    return json
  }

  return {
    baseUrl: transport.baseUrl,

    async generate(input) {
      const key = idempotencyKey(input.idempotencyKey)
      const body = defined({
        ...(await wireImage(input)),
        language: input.language,
        model: input.model,
        context: input.context,
        maxLength: input.maxLength,
        // Only when asked: an API without the field refuses unknown ones.
        purpose: input.purpose,
        long: input.long === true ? true : undefined,
        fresh: input.fresh === true ? true : undefined,
      })
      const json = (await call({
        method: 'POST',
        path: '/v1/alt-text',
        body,
        signal: input.signal,
        auth: true,
        headers: { 'idempotency-key': key },
      })) as AltTextResponse
      assertShape(typeof json?.altText === 'string', 'altText')
      return json
    },

    async generateBatch(request) {
      if (!Array.isArray(request.images) || request.images.length === 0)
        throw invalid('A batch needs at least one image')
      const key = idempotencyKey(request.idempotencyKey)
      if (request.images.length > LIMITS.maxBatchItems && key.length > 190)
        throw invalid('idempotencyKey of a batch over 50 images must be at most 190 characters')
      const merged: BatchResponse = { results: [], creditsUsed: 0, creditsRemaining: 0 }
      for (let start = 0; start < request.images.length; start += LIMITS.maxBatchItems) {
        const chunk = request.images.slice(start, start + LIMITS.maxBatchItems)
        let answer: BatchResponse
        try {
          const index = start / LIMITS.maxBatchItems
          answer = await generateBatchChunk(chunk, request, index === 0 ? key : `${key}:${index}`)
        } catch (error) {
          // Earlier chunks are already paid for: keep their results, mark this chunk failed.
          if (start === 0 || !(error instanceof AltTextError) || error.code === 'aborted')
            throw error
          const code: ErrorCode =
            error.code in ERROR_STATUS ? (error.code as ErrorCode) : 'internal_error'
          merged.results.push(...chunk.map(() => ({ error: { code, message: error.message } })))
          continue
        }
        merged.results.push(...answer.results)
        merged.creditsUsed += answer.creditsUsed
        merged.creditsRemaining = answer.creditsRemaining
      }
      return merged
    },

    models: (o = {}) =>
      call({
        method: 'GET',
        path: '/v1/models',
        signal: o.signal,
        auth: false,
      }) as Promise<ModelList>,
    account: (o = {}) =>
      call({ method: 'GET', path: '/v1/account', signal: o.signal, auth: true }) as Promise<User>,
    credits: (o = {}) =>
      call({
        method: 'GET',
        path: '/v1/credits',
        signal: o.signal,
        auth: true,
      }) as Promise<Credits>,
    packs: (o = {}) =>
      call({
        method: 'GET',
        path: '/v1/billing/packs',
        signal: o.signal,
        auth: false,
      }) as Promise<PackList>,
    usage(query = {}) {
      const params = new URLSearchParams()
      for (const key of ['limit', 'cursor', 'from', 'to'] as const) {
        const value = query[key]
        if (value !== undefined) params.set(key, String(value))
      }
      const search = params.toString() ? `?${params}` : ''
      return call({
        method: 'GET',
        path: `/v1/usage${search}`,
        signal: query.signal,
        auth: true,
      }) as Promise<UsagePage>
    },
  }
}
