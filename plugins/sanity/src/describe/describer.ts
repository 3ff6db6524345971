/**
 * Describing Sanity image assets through core's run-level client: one describer per run (a
 * document fill, a backfill, a click), so identical assets are described once, calls made
 * together go as batch requests, and a fatal answer (bad key, no credits…) ends every image still
 * waiting with that one error.
 */
import {
  type AltTextClient,
  AltTextError,
  type Budget,
  createDescriber as createRun,
  type DescribeEvent,
  type Describer as Run,
} from '@alttextapi/core'
import { BudgetReachedError } from './errors.js'
import { imageUrl } from './image-url.js'

/** How the image reaches the API. */
export type ImageDelivery =
  /** The API fetches the pipeline URL itself (default: nothing passes through the browser). */
  | 'url'
  /** The plugin fetches the reduced image and uploads its bytes (private datasets, local tests). */
  | 'upload'

/** One image to describe. */
export interface DescribeRequest {
  assetRef: string
  context?: string | undefined
  language?: string | undefined
  /** A stable Idempotency-Key (the backfill: asset id, which holds the image's hash). */
  idempotencyKey?: string | undefined
  /** A new, charged description instead of reusing an earlier one (Regenerate). */
  fresh?: boolean | undefined
  /** Ask for a long description too (charts, diagrams, screenshots of text; extra credits). */
  long?: boolean | undefined
  signal?: AbortSignal | undefined
}

/** The outcome of describing one image. */
export interface Described {
  altText: string
  creditsUsed: number
  creditsRemaining: number
  /** The model and language the API used (for the provenance). */
  model?: string | undefined
  language?: string | undefined
  /** The API reused an earlier description of the same image (no credits). */
  reused?: boolean | undefined
  /**
   * The model's judgement that the image carries no information (spacer, divider, texture): a
   * suggestion to show, never applied without a person (README, Decorative suggestions).
   */
  decorative?: boolean | undefined
  /** What the image is: photo, illustration, chart, diagram, screenshot, text, logo, icon. */
  kind?: string | undefined
  /** For charts, diagrams and screenshots of text, when `long` was asked. */
  longDescription?: string | undefined
}

/** Describes one image asset. Rejects with `AltTextError`. */
export type Describer = (request: DescribeRequest) => Promise<Described>

/** A describer made by `createDescriber`: also the run underneath (summary, fatal error). */
export type RunDescriber = Describer & { readonly run: Run }

/** Options of `createDescriber`. */
export interface DescriberOptions {
  client: AltTextClient
  projectId: string
  dataset: string
  /** Default `https://cdn.sanity.io`. */
  imageBaseUrl?: string | undefined
  /** Longest side sent to the API, in pixels. Default 1024. */
  imageWidth?: number | undefined
  /** Default `url`. */
  delivery?: ImageDelivery | undefined
  model?: string | undefined
  maxLength?: number | undefined
  /** For `upload` delivery. Default the global fetch. */
  fetch?: typeof fetch | undefined
  /** API requests in flight at once. Default 4. */
  concurrency?: number | undefined
  /**
   * Send calls made together as one batch request (fewer round trips when the caller runs several
   * at once). Default false: a Studio click or a document fill describes a handful of images, and
   * a batch waits a moment for company that would never come.
   */
  batch?: boolean | undefined
  /** Most credits (or images) this run may spend; an image over it throws `BudgetReachedError`. */
  budget?: Budget | undefined
  /** Every image and the fatal stop, with the run's live counters. */
  onProgress?: ((event: DescribeEvent) => void) | undefined
}

/** Creates a describer bound to one project, dataset and API client, for one run. */
export function createDescriber(options: DescriberOptions): RunDescriber {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const run = createRun({
    client: options.client,
    concurrency: options.concurrency,
    batch: options.batch === true ? {} : false,
    budget: options.budget,
    onProgress: options.onProgress,
  })
  const download = async (url: string, signal: AbortSignal | undefined) => {
    try {
      const response = await doFetch(url, { signal })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      return new Uint8Array(await response.arrayBuffer())
    } catch (error) {
      if (signal?.aborted) throw new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted' })
      throw new AltTextError({
        code: 'image_fetch_failed',
        status: 0,
        detail: `Could not load the image from the Sanity CDN (${(error as Error).message})`,
      })
    }
  }
  const describe = async (request: DescribeRequest): Promise<Described> => {
    // After a fatal answer nothing more is downloaded either.
    if (run.fatal) throw run.fatal
    const url = imageUrl(request.assetRef, {
      projectId: options.projectId,
      dataset: options.dataset,
      baseUrl: options.imageBaseUrl,
      width: options.imageWidth,
    })
    const image =
      options.delivery === 'upload'
        ? { bytes: await download(url, request.signal) }
        : { imageUrl: url }
    const outcome = await run.describe({
      ...image,
      language: request.language,
      context: request.context,
      model: options.model,
      maxLength: options.maxLength,
      idempotencyKey: request.idempotencyKey,
      fresh: request.fresh,
      long: request.long,
      signal: request.signal,
    })
    switch (outcome.status) {
      case 'described':
        return pick(outcome, outcome.creditsUsed, outcome.reused, run)
      case 'cached':
        return pick(outcome, 0, false, run)
      case 'failed':
      case 'stopped':
        throw outcome.error
      case 'skipped':
        if (outcome.reason.startsWith('budget')) throw new BudgetReachedError(outcome.reason)
        throw new AltTextError({ code: 'invalid_request', status: 0, detail: outcome.reason })
    }
  }
  return Object.assign(describe, { run })
}

const pick = (
  answer: {
    altText: string
    model: string
    language: string
    decorative?: boolean | undefined
    kind?: string | undefined
    longDescription?: string | undefined
  },
  creditsUsed: number,
  reused: boolean,
  run: Run,
): Described => {
  const { altText, model, language } = answer
  // An empty text stored as alt would mean "decorative" and never be retried: a failure instead
  // (unless the model says decorative: then it is a suggestion, which callers never store as is).
  if (!altText.trim() && answer.decorative !== true)
    throw new AltTextError({
      code: 'model_error',
      status: 0,
      detail: 'The API answered an empty alt text',
    })
  const described: Described = {
    altText,
    creditsUsed,
    creditsRemaining: run.summary().creditsRemaining ?? 0,
    model,
    language,
    reused,
  }
  if (answer.decorative === true) described.decorative = true
  if (answer.kind) described.kind = answer.kind
  if (answer.longDescription) described.longDescription = answer.longDescription
  return described
}
