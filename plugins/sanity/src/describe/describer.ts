/** Describing one Sanity image asset through @alttextapi/core. */
import { type AltTextClient, AltTextError } from '@alttextapi/core'
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
  signal?: AbortSignal | undefined
}

/** The outcome of describing one image. */
export interface Described {
  altText: string
  creditsUsed: number
  creditsRemaining: number
}

/** Describes one image asset. Rejects with `AltTextError`. */
export type Describer = (request: DescribeRequest) => Promise<Described>

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
}

/** Creates a describer bound to one project, dataset and API client. */
export function createDescriber(options: DescriberOptions): Describer {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  return async (request) => {
    const url = imageUrl(request.assetRef, {
      projectId: options.projectId,
      dataset: options.dataset,
      baseUrl: options.imageBaseUrl,
      width: options.imageWidth,
    })
    const common = {
      language: request.language,
      context: request.context,
      model: options.model,
      maxLength: options.maxLength,
      signal: request.signal,
    }
    if (options.delivery !== 'upload') {
      const answer = await options.client.generate({ imageUrl: url, ...common })
      return pick(answer)
    }
    let bytes: Uint8Array
    try {
      const response = await doFetch(url, { signal: request.signal })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      bytes = new Uint8Array(await response.arrayBuffer())
    } catch (error) {
      if (request.signal?.aborted)
        throw new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted' })
      throw new AltTextError({
        code: 'image_fetch_failed',
        status: 0,
        detail: `Could not load the image from the Sanity CDN (${(error as Error).message})`,
      })
    }
    return pick(await options.client.generate({ image: bytes, ...common }))
  }
}

const pick = (answer: Described): Described => {
  // An empty text stored as alt would mean "decorative" and never be retried: a failure instead.
  if (!answer.altText.trim())
    throw new AltTextError({
      code: 'model_error',
      status: 0,
      detail: 'The API answered an empty alt text',
    })
  return {
    altText: answer.altText,
    creditsUsed: answer.creditsUsed,
    creditsRemaining: answer.creditsRemaining,
  }
}
