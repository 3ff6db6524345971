/**
 * A run: the state shared by every file of one build. The describing itself — concurrency,
 * identical images described once, the cache, the budget, batch requests, the summary and the
 * fatal stop — is core's run-level client (`createDescriber`); this adds what is rehype's own:
 * the options, the page cache, the image-read limit and the per-status counters.
 */
import {
  type AltTextCache,
  type AltTextClient,
  AltTextError,
  type Outcome as CoreOutcome,
  createClient,
  createDescriber,
  createLimiter,
  type Describer,
  type Limiter,
  type RunSummary,
} from '@alttextapi/core'
import {
  BuildCache,
  createBuildCache,
  createPublicFetch,
  FileCache,
  resolveConfig,
} from '@alttextapi/core/node'
import { DEFAULTS, type RunOptions } from './options.js'
import { PageCache } from './page-cache.js'
import { toUploadable } from './prepare.js'
import { createRunProgress, type RunProgress } from './progress.js'
import { type AltTextStats, emptyStats } from './stats.js'

/** Options of `rehypeAltText` and `fillAltText`: the run's settings, or a run to share. */
export interface Options extends RunOptions {
  /** Share one run (dedupe, budget, stats, fatal stop) between processors; see `createAltTextRun`. */
  run?: AltTextRun | undefined
}

/** What one describe call ended as. */
export type Outcome =
  | {
      status: 'described' | 'cached'
      altText: string
      decorative?: boolean | undefined
      /** Who wrote the text (from alt-text.json); absent means the model. */
      origin?: 'machine' | 'edited' | 'human' | undefined
      longDescription?: string | undefined
      /** Credits charged for this answer (0 from the cache or an identical image of the run). */
      creditsUsed: number
      reused?: boolean | undefined
    }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string; error?: unknown }
  /** The run has stopped on `error`, a fatal answer (the same error for every image). */
  | { status: 'stopped'; reason: string; error: AltTextError }

/** One image to describe: its bytes (or a URL for the API), language and context. */
export interface DescribeRequest {
  bytes?: Uint8Array | undefined
  url?: string | undefined
  language: string
  context?: string | undefined
  /** `link` when the image is a link's only content (the context says where it leads). */
  purpose?: 'content' | 'link' | 'auto' | undefined
  /**
   * Ask for a new, charged description instead of the cached or reused one (`alttext lint --fix`
   * regenerating failing text). A person's text in the cache still answers: it is never replaced.
   */
  fresh?: boolean | undefined
}

function fromCore(outcome: CoreOutcome): Outcome {
  switch (outcome.status) {
    case 'described':
      return {
        status: outcome.status,
        altText: outcome.altText,
        decorative: outcome.decorative,
        origin: outcome.origin,
        longDescription: outcome.longDescription,
        creditsUsed: outcome.creditsUsed,
        reused: outcome.reused,
      }
    case 'cached':
      return {
        status: outcome.status,
        altText: outcome.altText,
        decorative: outcome.decorative,
        origin: outcome.origin,
        longDescription: outcome.longDescription,
        creditsUsed: 0,
      }
    case 'skipped':
      return outcome
    case 'failed':
      return { status: 'failed', reason: outcome.error.message, error: outcome.error }
    case 'stopped':
      return { status: 'stopped', reason: outcome.error.message, error: outcome.error }
  }
}

/** The state of one run; create with `createAltTextRun`. */
export class AltTextRun {
  /** The options the run was made with. */
  readonly options: RunOptions
  /** Counters over every file of the run. */
  readonly stats: AltTextStats = emptyStats()
  readonly cache: AltTextCache | undefined
  /** Whole filled pages (see `page-cache.ts`); undefined when off. */
  readonly pages: PageCache | undefined
  /** Limits image reads and downloads (twice the API concurrency): a page of 500 images must not
   * open 500 downloads at once. */
  readonly io: Limiter
  /** Progress on stderr for long runs (see `progress.ts`); undefined with `progress: false`. */
  readonly progress: RunProgress | undefined
  /** The fetch of image downloads: `options.fetch`, else one that keeps to public addresses. */
  readonly download: typeof fetch
  readonly #describer: Describer
  /** Set when there is no key at all: the run is stopped before it starts. */
  readonly #noKey: AltTextError | undefined

  constructor(options: RunOptions = {}) {
    this.options = options
    this.cache =
      options.cache === false
        ? undefined
        : (options.cache ??
          createBuildCache({
            file: options.cacheFile,
            dir: options.cacheDir,
            readOnly: options.dryRun === true,
          }))
    const cacheDir =
      this.cache instanceof FileCache || this.cache instanceof BuildCache
        ? this.cache.dir
        : undefined
    // A page filled from alt-text.json must be filled again when a person edits that file
    // (not when this tool adds what it paid for: see BuildCache.revisionSync).
    const revision = this.cache instanceof BuildCache ? this.cache.revisionSync() : ''
    this.pages = PageCache.for(options, cacheDir, revision)
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULTS.concurrency))
    this.io = createLimiter(concurrency * 2)
    this.progress =
      options.progress === false
        ? undefined
        : createRunProgress(typeof options.progress === 'object' ? options.progress : {})
    this.download = options.fetch ?? createPublicFetch({ allowHosts: options.allowHosts })
    let client = options.client
    if (!client) {
      const config = resolveConfig({ apiKey: options.apiKey, baseUrl: options.baseUrl })
      if (!config.apiKey && options.dryRun !== true)
        this.#noKey = new AltTextError({
          code: 'unauthorized',
          status: 0,
          detail: 'No API key: set the apiKey option or the ALTTEXT_API_KEY environment variable',
        })
      client = createClient({
        apiKey: config.apiKey,
        baseUrl: config.baseUrl,
        userAgent: 'alttextapi-rehype/0.1.0',
      })
    }
    const maxSide = options.maxSide ?? DEFAULTS.maxSide
    this.#describer = createDescriber({
      client,
      cache: this.cache,
      concurrency,
      batch: options.batch === false ? false : {},
      prepare: async (bytes) => ({ bytes: await toUploadable(bytes, maxSide) }),
      budget: { maxImages: options.maxImages, maxCredits: options.maxCredits },
      dryRun: options.dryRun === true,
      cacheByContext: options.cacheByContext === true,
      onProgress: (event) => {
        options.onProgress?.(event)
        const { summary } = event
        this.progress?.status(
          `${summary.described} described · ${summary.cached + summary.shared} cached · ${summary.failed} failed · ${summary.creditsUsed} credits`,
        )
        this.stats.creditsUsed = summary.creditsUsed
        this.stats.planned = summary.planned
        this.stats.reused = summary.reused
        this.stats.decorative = summary.decorative
      },
    })
  }

  /** The API client of the run (for what a run does not wrap: balance, prices). */
  get client(): AltTextClient {
    return this.#describer.client
  }

  get dryRun(): boolean {
    return this.options.dryRun === true
  }

  /** The fatal answer that stopped the run (bad key, no credits, API unreachable…), if any. */
  get fatal(): AltTextError | undefined {
    return this.#noKey ?? this.#describer.fatal
  }

  /** Core's summary of the run: failures grouped, skips by reason, credits, the fatal error. */
  summary(): RunSummary {
    const summary = this.#describer.summary()
    if (this.#noKey) summary.fatal = this.#noKey
    return summary
  }

  /**
   * Describes one image: from the cache (key: content hash + language + model + maxLength; not
   * the context), else shared with an identical image of this run, else by the API within the
   * run's limits. Never throws.
   */
  async describe(request: DescribeRequest): Promise<Outcome> {
    if (this.#noKey) return { status: 'stopped', reason: this.#noKey.message, error: this.#noKey }
    return fromCore(
      await this.#describer.describe({
        bytes: request.bytes,
        imageUrl: request.bytes === undefined ? request.url : undefined,
        language: request.language,
        model: this.options.model,
        context: request.context,
        maxLength: this.options.maxLength,
        purpose: request.purpose,
        long: this.options.long === true ? true : undefined,
        fresh: request.fresh,
      }),
    )
  }
}

/**
 * Creates a run. Pass it as `run` to several processors (or files) so they share deduplication,
 * the concurrency limit, the budget, the counters and the fatal stop.
 */
export function createAltTextRun(options: RunOptions = {}): AltTextRun {
  return new AltTextRun(options)
}
