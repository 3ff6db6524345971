/**
 * Fetches an image URL without letting it reach our own network: http(s) only, every hop's host
 * checked (redirects are followed by hand, at most `MAX_REDIRECTS`), one deadline for the whole
 * fetch, the body read with a byte cap while streaming, and the bytes checked to be an image.
 * The image stays in memory and is never written anywhere.
 */
import { LIMITS } from '@alttextapi/core'
import { ApiError } from '../errors.js'
import { type Image, inspectImage, isProblem, uploadError } from './image.js'
import { refusedHost } from './ssrf.js'
import { readStreamCapped } from './stream.js'

/** Most redirects followed. */
export const MAX_REDIRECTS = 3

/** Options of `fetchImage`. */
export interface FetchImageOptions {
  /** Lifts the address check (ALLOW_PRIVATE_IMAGE_URLS, local development only). */
  allowPrivate: boolean
  timeoutMs: number
  maxBytes?: number
}

const failed = (message: string) => new ApiError('image_fetch_failed', message)

/**
 * Checks that `raw` is an absolute http(s) URL without credentials whose host may be fetched.
 * Syntax problems are 400 `invalid_request`; refused hosts are 422 `image_fetch_failed` (the same
 * answer as a refused redirect target).
 */
export function checkImageUrl(raw: string, allowPrivate: boolean, hop = 0): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw hop === 0
      ? new ApiError('invalid_request', 'imageUrl is not a valid absolute URL.')
      : failed('The image URL redirected to an invalid URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw hop === 0
      ? new ApiError('invalid_request', 'imageUrl must be an http or https URL.')
      : failed('The image URL redirected to a URL that is not http or https.')
  }
  if (url.username || url.password) {
    throw hop === 0
      ? new ApiError('invalid_request', 'imageUrl must not contain a user name or password.')
      : failed('The image URL redirected to a URL with credentials.')
  }
  if (!allowPrivate) {
    const reason = refusedHost(url.hostname)
    if (reason)
      throw failed(
        hop === 0
          ? `${reason} Only public addresses are fetched.`
          : `The image URL redirected to a refused address. ${reason}`,
      )
  }
  return url
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  const tooLarge = () =>
    new ApiError(
      'payload_too_large',
      `The image at the URL is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB.`,
    )
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  return readStreamCapped(response.body, maxBytes, tooLarge)
}

/** Fetches and checks an image URL. Every failure is an ApiError (422, 413 or 400). */
export async function fetchImage(raw: string, options: FetchImageOptions): Promise<Image> {
  const maxBytes = options.maxBytes ?? LIMITS.maxImageBytes
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error('timeout')), options.timeoutMs)
  try {
    let url = checkImageUrl(raw, options.allowPrivate)
    for (let hop = 0; ; hop++) {
      let response: Response
      try {
        response = await fetch(url.toString(), {
          redirect: 'manual',
          signal: controller.signal,
          headers: {
            accept: 'image/jpeg, image/png, image/gif, image/webp;q=0.9, */*;q=0.1',
            'user-agent': 'AltTextAPI-ImageFetcher/1.0',
          },
        })
      } catch {
        throw failed(
          controller.signal.aborted
            ? `The image URL did not answer within ${Math.round(options.timeoutMs / 1000)} s.`
            : 'The image URL could not be reached.',
        )
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel().catch(() => {})
        const location = response.headers.get('location')
        if (!location)
          throw failed(`The image URL answered HTTP ${response.status} without a Location.`)
        if (hop >= MAX_REDIRECTS)
          throw failed(`The image URL redirected more than ${MAX_REDIRECTS} times.`)
        url = checkImageUrl(new URL(location, url).toString(), options.allowPrivate, hop + 1)
        continue
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {})
        throw failed(`The image URL answered HTTP ${response.status}.`)
      }
      const type =
        (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      // Servers that label images generically are common; anything declared as text, HTML,
      // JSON, video… is not an image and is not read further.
      if (
        type &&
        !type.startsWith('image/') &&
        type !== 'application/octet-stream' &&
        type !== 'binary/octet-stream'
      ) {
        await response.body?.cancel().catch(() => {})
        throw failed(`The image URL answered ${type}, not an image.`)
      }
      let bytes: Uint8Array
      try {
        bytes = await readCapped(response, maxBytes)
      } catch (error) {
        if (error instanceof ApiError) throw error
        throw failed(
          controller.signal.aborted
            ? `The image URL did not finish within ${Math.round(options.timeoutMs / 1000)} s.`
            : 'The image download failed.',
        )
      }
      const image = inspectImage(bytes)
      if (isProblem(image)) {
        // Too large (413) and damaged (truncated, 415) answer as they do for an uploaded image:
        // the same bytes get the same code whichever way they came.
        if (image.kind === 'too_large' || image.kind === 'truncated') throw uploadError(image)
        throw failed(`The URL did not give a usable image: ${image.message}`)
      }
      return image
    }
  } finally {
    clearTimeout(timer)
  }
}
