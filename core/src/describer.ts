/**
 * The run-level client every TypeScript plugin and the CLI use: one `describe` per image, and for
 * the whole run the concurrency limit, identical images described once, the cache, the budget,
 * batch requests, progress events, the summary — and the fatal state: once an answer says no
 * further image can succeed (401, 402, 403, `model_not_configured`, API unreachable after the
 * transport's retries), no other request is sent and every image still waiting ends with that
 * same one error.
 */
import { AltTextError, isAltTextError } from './alttext-error.js'
import { type Batcher, type BatcherOptions, createBatcher } from './batcher.js'
import { type Budget, createBudget } from './budget.js'
import {
  type AltTextCache,
  type CachedAltText,
  type CacheLookup,
  cacheKey,
  sha256Hex,
} from './cache.js'
import type { AltTextClient, GenerateOptions } from './client.js'
import { isImageKind, type Purpose } from './contract/description.js'
import { isFatalError } from './contract/fatal.js'
import type { ImageInput } from './image.js'
import { createLimiter } from './limiter.js'
import { countOutcome, type Outcome, sharedCopy } from './outcome.js'
import { copySummary, emptySummary, type RunSummary } from './summary.js'
import type { AltTextResponse } from './wire.js'

/** Options of `createDescriber`. */
export interface DescriberOptions {
  client: AltTextClient
  /** Where answers are kept between runs; default none (every run pays). */
  cache?: AltTextCache | undefined
  /** Requests to the API in flight at once (single or batch). Default 4. */
  concurrency?: number | undefined
  /**
   * Images described close together go as one batch request (fewer round trips). Batcher options,
   * or `false` to send every image alone. Default: a batcher with its defaults.
   */
  batch?: BatcherOptions | false | undefined
  /**
   * Turns the original bytes into the bytes to send (e.g. `prepareImage` from
   * `@alttextapi/core/node`). Runs only on a cache miss; the cache key is the original bytes.
   */
  prepare?: ((bytes: Uint8Array) => Promise<{ bytes: Uint8Array }>) | undefined
  /** Most images sent and credits spent in this run; the rest are skipped. Default unlimited. */
  budget?: Budget | undefined
  /** Call nothing: answer from the cache, count what would be sent. Default false. */
  dryRun?: boolean | undefined
  /**
   * Make the nearby text (`context`) part of the cache key, so an edited paragraph describes its
   * image again (and pays again). Default false: the image, language, model, maxLength and
   * purpose decide, as the API's reuse does.
   */
  cacheByContext?: boolean | undefined
  /** Called after every image, and once when the run stops on a fatal error. */
  onProgress?: ((event: DescribeEvent) => void) | undefined
}

/** One image to describe: its bytes, or a URL the API fetches. */
export interface DescribeInput {
  bytes?: Uint8Array | undefined
  imageUrl?: string | undefined
  /** BCP 47 tag; default `en`. */
  language?: string | undefined
  model?: string | undefined
  /** Nearby text: sent, but not part of the cache key (an identical image shares the answer). */
  context?: string | undefined
  maxLength?: number | undefined
  /**
   * What the image is for: `content` (the API's default), `link` (it is a link's only content:
   * give the link target and text in `context`) or `auto`. Part of the cache key.
   */
  purpose?: Purpose | undefined
  /** Ask for a long description too (charts, diagrams, screenshots of text); part of the cache key. */
  long?: boolean | undefined
  /**
   * A stable `Idempotency-Key` for this image (e.g. asset id + image hash), so a run killed after
   * the charge and started again is answered by the API's replay, not charged twice. An image
   * with a key goes in a request of its own (a batch request has one key). Default: a new key.
   */
  idempotencyKey?: string | undefined
  /**
   * Ask the API for a new, charged description (no reuse) instead of the cached machine text.
   * Text a person wrote (cache entry `human` or `edited`) still answers, as `cached`: no option
   * replaces it.
   */
  fresh?: boolean | undefined
  signal?: AbortSignal | undefined
}

/** What `onProgress` hears. `summary` is the live one: read it then, it keeps changing. */
export type DescribeEvent =
  | { type: 'image'; outcome: Outcome; summary: Readonly<RunSummary> }
  | { type: 'fatal'; error: AltTextError; summary: Readonly<RunSummary> }

/** The run-level client. */
export interface Describer {
  /** Describes one image. Never rejects: every ending is an `Outcome`. */
  describe(input: DescribeInput): Promise<Outcome>
  /** A copy of the counters so far. */
  summary(): RunSummary
  /** The error that stopped the run, once there is one. */
  readonly fatal: AltTextError | undefined
  /** The client underneath (for the routes a run does not wrap). */
  readonly client: AltTextClient
}

const encoder = new TextEncoder()

const codeOf = (error: Error): string => (isAltTextError(error) ? error.code : 'error')

/** Reads the flags a newer API adds to an answer, without trusting their type. */
const flag = (answer: AltTextResponse, name: 'reused' | 'decorative'): boolean =>
  (answer as unknown as Record<string, unknown>)[name] === true

/** An answer without a usable count (a proxy, a broken API) is charged at the reserved price. */
const spentOf = (answer: AltTextResponse, reserved: number): number => {
  const spent = answer.creditsUsed as unknown
  return typeof spent === 'number' && Number.isFinite(spent) && spent >= 0 ? spent : reserved
}

/** Creates the client of one run (its dedupe, budget, summary and fatal state last as long). */
export function createDescriber(options: DescriberOptions): Describer {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4))
  const summary = emptySummary()
  const inFlight = new Map<string, Promise<Outcome>>()
  const planned = new Set<string>()
  let fatal: AltTextError | undefined

  const trip = (error: AltTextError) => {
    if (fatal) return
    fatal = error
    summary.fatal = error
    options.onProgress?.({ type: 'fatal', error, summary })
  }
  /** Every request goes through here: after a fatal error none leaves. */
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (fatal) return Promise.reject(fatal)
    return call().catch((error: unknown) => {
      if (isFatalError(error)) trip(error as AltTextError)
      throw error
    })
  }
  const raw = options.client
  const guarded: AltTextClient = {
    baseUrl: raw.baseUrl,
    generate: (input) => guard(() => raw.generate(input)),
    generateBatch: (request) => guard(() => raw.generateBatch(request)),
    models: (o) => raw.models(o),
    account: (o) => raw.account(o),
    usage: (q) => raw.usage(q),
    credits: (o) => raw.credits(o),
    packs: (o) => raw.packs(o),
  }
  const batcher: Batcher | undefined =
    options.batch === false
      ? undefined
      : createBatcher(guarded, { concurrency, ...(options.batch ?? {}) })
  const sendLimit = createLimiter(concurrency)
  const prepareLimit = createLimiter(concurrency)
  const budget = createBudget(options.budget ?? {}, raw)

  const send = (request: ImageInput & GenerateOptions): Promise<AltTextResponse> =>
    batcher ? batcher.generate(request) : sendLimit(() => guarded.generate(request))

  const stopped = (): Outcome => ({ status: 'stopped', error: fatal as AltTextError })

  const failure = (caught: unknown): Outcome => {
    if (fatal) return stopped()
    if (isFatalError(caught)) {
      trip(caught as AltTextError)
      return stopped()
    }
    const error = caught instanceof Error ? caught : new Error(String(caught))
    return { status: 'failed', error, code: codeOf(error) }
  }

  /** The first describe of a key: cache, dry run, budget, prepare, the API, the cache again. */
  const first = async (
    key: string,
    lookup: CacheLookup,
    input: DescribeInput,
    language: string,
  ): Promise<Outcome> => {
    const cached = await options.cache?.get(key, lookup).catch(() => undefined)
    // `fresh` passes over machine text, never over a person's (DESIGN "Provenance").
    const byPerson = cached?.origin === 'human' || cached?.origin === 'edited'
    const hit = input.fresh && !byPerson ? undefined : cached
    if (hit) return { ...hit, status: 'cached', shared: false }
    if (options.dryRun) {
      if (!planned.has(key)) {
        planned.add(key)
        summary.planned++
      }
      return { status: 'skipped', reason: 'dry run' }
    }
    if (fatal) return stopped()
    const reservation = await budget.reserve(input.model)
    if (!reservation.ok) return { status: 'skipped', reason: reservation.reason }
    let spent = 0
    try {
      const { bytes, imageUrl } = input
      const prepare = options.prepare
      const image =
        bytes === undefined
          ? { imageUrl: imageUrl as string }
          : { image: prepare ? (await prepareLimit(() => prepare(bytes))).bytes : bytes }
      if (fatal) return stopped()
      const answer = await send({
        ...image,
        language,
        model: input.model,
        context: input.context,
        maxLength: input.maxLength,
        purpose: input.purpose,
        long: input.long,
        idempotencyKey: input.idempotencyKey,
        fresh: input.fresh,
        signal: input.signal,
      })
      spent = spentOf(answer, reservation.credits)
      if (typeof answer.creditsRemaining === 'number')
        summary.creditsRemaining = answer.creditsRemaining
      const value: CachedAltText = {
        altText: answer.altText,
        language: answer.language || language,
        model: answer.model || input.model || 'default',
        createdAt: new Date().toISOString(),
      }
      if (flag(answer, 'decorative')) value.decorative = true
      // Read without trusting an older API (or a proxy) to send them.
      if (isImageKind(answer.kind)) value.kind = answer.kind
      if (typeof answer.longDescription === 'string' && answer.longDescription !== '')
        value.longDescription = answer.longDescription
      // A cache that cannot write must not lose an answer already paid for.
      await options.cache?.set(key, value, lookup).catch(() => undefined)
      return { ...value, status: 'described', creditsUsed: spent, reused: flag(answer, 'reused') }
    } catch (error) {
      return failure(error)
    } finally {
      budget.settle(reservation, spent)
    }
  }

  const count = (outcome: Outcome) => {
    countOutcome(summary, outcome)
    options.onProgress?.({ type: 'image', outcome, summary })
    return outcome
  }

  /** The outcome of an image identical to one already under way or done in this run. */
  const follow = (outcome: Outcome): Outcome => {
    const copy = sharedCopy(outcome)
    if (copy) return copy
    if (fatal) return stopped()
    // The same bytes fail the same way: not sent again, reported again (grouped in the summary).
    return outcome
  }

  return {
    client: raw,
    get fatal() {
      return fatal
    },
    summary: () => copySummary(summary),
    async describe(input) {
      if (fatal) return count(stopped())
      const language = input.language ?? 'en'
      let key: string
      let lookup: CacheLookup
      try {
        if (input.bytes === undefined && typeof input.imageUrl !== 'string')
          throw new AltTextError({
            code: 'invalid_request',
            status: 0,
            detail: 'Give the image bytes or an image URL',
          })
        const imageHash = await sha256Hex(
          input.bytes ?? encoder.encode(`url:${input.imageUrl as string}`),
        )
        lookup = {
          // Only real image bytes have a content hash; a URL's key hash is not one.
          imageHash: input.bytes === undefined ? undefined : imageHash,
          language,
          model: input.model,
          maxLength: input.maxLength,
          purpose: input.purpose,
          long: input.long === true ? true : undefined,
          contextHash: options.cacheByContext
            ? await sha256Hex(encoder.encode(input.context ?? ''))
            : undefined,
        }
        key = await cacheKey({ ...lookup, bytes: new Uint8Array(0), imageHash })
      } catch (error) {
        return count(failure(error))
      }
      const existing = inFlight.get(key)
      if (existing) return count(follow(await existing))
      const promise = first(key, lookup, input, language)
      inFlight.set(key, promise)
      const outcome = await promise
      // A budget skip or an abort is not remembered: an identical image later may still go.
      if (
        (outcome.status === 'skipped' && outcome.reason !== 'dry run') ||
        (outcome.status === 'failed' && outcome.code === 'aborted')
      )
        inFlight.delete(key)
      return count(outcome)
    },
  }
}
