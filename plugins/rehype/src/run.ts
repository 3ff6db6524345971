/**
 * A run: the state shared by every file of one build — the client, the cache, the concurrency
 * limit, the budget, identical images described once, and the counters.
 */
import {
  type AltTextCache,
  type AltTextClient,
  AltTextError,
  cacheKey,
  createClient,
  createLimiter,
  type Limiter,
  sha256Hex,
} from '@alttextapi/core'
import { FileCache, resolveConfig } from '@alttextapi/core/node'
import { DEFAULTS, type Options } from './options.js'
import { PageCache } from './page-cache.js'
import { toUploadable } from './prepare.js'
import { type AltTextStats, emptyStats } from './stats.js'

/** What one describe call ended as. */
export type Outcome =
  | { status: 'described' | 'cached'; altText: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; error?: unknown }

/** One image to describe: its bytes (or a URL for the API), language and context. */
export interface DescribeRequest {
  bytes?: Uint8Array | undefined
  url?: string | undefined
  language: string
  context?: string | undefined
}

type Reservation = { ok: true; credits: number } | { ok: false; reason: string }

type Shared = Promise<{ ok: true; altText: string } | { ok: false; reason: string }>

/** Errors after which further calls are pointless for the whole run. */
const FATAL = new Set(['unauthorized', 'forbidden', 'insufficient_credits', 'model_not_configured'])

const encoder = new TextEncoder()

/** The state of one run; create with `createAltTextRun`. */
export class AltTextRun {
  /** The options the run was made with. */
  readonly options: Options
  /** Counters over every file of the run. */
  readonly stats: AltTextStats = emptyStats()
  readonly cache: AltTextCache | undefined
  /** Whole filled pages (see `page-cache.ts`); undefined when off. */
  readonly pages: PageCache | undefined
  readonly #limiter: Limiter
  /** Limits image reads and downloads (twice the API concurrency): a page of 500 images must not
   * open 500 downloads at once. */
  readonly io: Limiter
  readonly #shared = new Map<string, Shared>()
  #client: AltTextClient | undefined
  #fatal: string | undefined
  #calls = 0
  #reservedCredits = 0
  #price: Promise<number> | undefined

  constructor(options: Options = {}) {
    this.options = options
    this.cache =
      options.cache === false
        ? undefined
        : (options.cache ?? new FileCache(options.cacheDir ? { dir: options.cacheDir } : {}))
    this.pages = PageCache.for(
      options,
      this.cache instanceof FileCache ? this.cache.dir : undefined,
    )
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULTS.concurrency))
    this.#limiter = createLimiter(concurrency)
    this.io = createLimiter(concurrency * 2)
    this.#client = options.client
  }

  get dryRun(): boolean {
    return this.options.dryRun === true
  }

  #getClient(): AltTextClient {
    if (this.#client) return this.#client
    const config = resolveConfig({ apiKey: this.options.apiKey, baseUrl: this.options.baseUrl })
    if (!config.apiKey)
      throw new AltTextError({
        code: 'unauthorized',
        status: 0,
        detail: 'No API key: set the apiKey option or the ALTTEXT_API_KEY environment variable',
      })
    this.#client = createClient({
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      userAgent: 'alttextapi-rehype/0.1.0',
    })
    return this.#client
  }

  /** Credits one image costs with the chosen model (asked once; 1 when unknown). */
  #pricePerImage(): Promise<number> {
    this.#price ??= (async () => {
      try {
        const { models } = await this.#getClient().models()
        const model = this.options.model
          ? models.find((m) => m.id === this.options.model)
          : models.find((m) => m.default)
        return model?.credits ?? 1
      } catch {
        return 1
      }
    })()
    return this.#price
  }

  /** Takes a slot of the budget, or says why not. */
  async #reserve(): Promise<Reservation> {
    const { maxImages, maxCredits } = this.options
    if (maxImages !== undefined && this.#calls >= maxImages)
      return { ok: false, reason: `budget of ${maxImages} images reached` }
    let credits = 0
    if (maxCredits !== undefined) {
      credits = await this.#pricePerImage()
      if (this.stats.creditsUsed + this.#reservedCredits + credits > maxCredits)
        return { ok: false, reason: `budget of ${maxCredits} credits reached` }
    }
    // Checked again: the price lookup awaited, another image may have taken the last slot.
    if (maxImages !== undefined && this.#calls >= maxImages)
      return { ok: false, reason: `budget of ${maxImages} images reached` }
    this.#calls++
    this.#reservedCredits += credits
    return { ok: true, credits }
  }

  /**
   * Describes one image: from the cache (key: content hash + language + model + context +
   * maxLength), else shared with an identical image already described in this run (same bytes,
   * language, model; the first one's context is used), else by one API call within the limits.
   * Never throws.
   */
  async describe(request: DescribeRequest): Promise<Outcome> {
    const { model, maxLength } = this.options
    const bytes = request.bytes ?? encoder.encode(`url:${request.url}`)
    // Hashed once for both keys below.
    const imageHash = await sha256Hex(bytes)
    const key = await cacheKey({
      bytes,
      imageHash,
      language: request.language,
      model,
      context: request.context,
      maxLength,
    })
    const hit = await this.cache?.get(key).catch(() => undefined)
    if (hit) return { status: 'cached', altText: hit.altText }
    const identity = await cacheKey({
      bytes,
      imageHash,
      language: request.language,
      model,
      maxLength,
    })
    const shared = this.#shared.get(identity)
    if (shared) {
      const result = await shared
      if (!result.ok)
        return this.dryRun
          ? { status: 'skipped', reason: result.reason }
          : { status: 'failed', reason: result.reason }
      await this.#store(key, result.altText, request.language)
      return { status: 'cached', altText: result.altText }
    }
    if (this.dryRun) {
      this.#shared.set(identity, Promise.resolve({ ok: false, reason: 'dry run' }))
      this.stats.planned++
      return { status: 'skipped', reason: 'dry run' }
    }
    if (this.#fatal) return { status: 'failed', reason: this.#fatal }
    const call = this.#call(key, request)
    this.#shared.set(
      identity,
      call.then((o) =>
        'altText' in o ? { ok: true, altText: o.altText } : { ok: false, reason: o.reason },
      ),
    )
    const outcome = await call
    // Budget skips are not remembered: a later identical image gets the same answer anyway.
    if (outcome.status === 'skipped') this.#shared.delete(identity)
    return outcome
  }

  async #call(key: string, request: DescribeRequest): Promise<Outcome> {
    let reservation: Reservation
    try {
      this.#getClient()
      reservation = await this.#reserve()
    } catch (error) {
      return this.#failure(error)
    }
    if (!reservation.ok) return { status: 'skipped', reason: reservation.reason }
    const { credits } = reservation
    try {
      return await this.#limiter(async () => {
        if (this.#fatal) return { status: 'failed', reason: this.#fatal } as const
        const client = this.#getClient()
        const common = {
          language: request.language,
          model: this.options.model,
          context: request.context,
          maxLength: this.options.maxLength,
        }
        const answer = request.bytes
          ? await client.generate({
              image: await toUploadable(request.bytes, this.options.maxSide ?? DEFAULTS.maxSide),
              ...common,
            })
          : await client.generate({ imageUrl: request.url as string, ...common })
        // An answer without a usable count (a proxy, a broken API) is charged at the price
        // reserved: NaN or a string here would switch the credit budget off for the rest of the run.
        const spent = answer.creditsUsed as unknown
        this.stats.creditsUsed +=
          typeof spent === 'number' && Number.isFinite(spent) && spent >= 0 ? spent : credits
        await this.#store(key, answer.altText, answer.language, answer.model)
        return { status: 'described', altText: answer.altText } as const
      })
    } catch (error) {
      return this.#failure(error)
    } finally {
      this.#reservedCredits -= credits
    }
  }

  #failure(error: unknown): Outcome {
    const reason = error instanceof Error ? error.message : String(error)
    if (error instanceof AltTextError && FATAL.has(error.code)) this.#fatal = reason
    return { status: 'failed', reason, error }
  }

  async #store(key: string, altText: string, language: string, model?: string): Promise<void> {
    // A cache that cannot write must not lose an answer already paid for.
    await this.cache
      ?.set(key, {
        altText,
        language,
        model: model ?? this.options.model ?? 'default',
        createdAt: new Date().toISOString(),
      })
      .catch(() => undefined)
  }
}

/**
 * Creates a run. Pass it as `run` to several processors (or files) so they share deduplication,
 * the concurrency limit, the budget and the counters.
 */
export function createAltTextRun(options: Options = {}): AltTextRun {
  return new AltTextRun(options)
}
