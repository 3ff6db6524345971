/**
 * URLs of Sanity's image pipeline. A large image goes to the API as a reduced copy (1024 px on the
 * longest side by default, JPEG): smaller to fetch, cheaper and faster to describe. An original
 * already within that size and of a type the API takes goes as it is: the same bytes the CLI, the
 * build plugins and WordPress send for that file, so the API's reuse (keyed by the bytes' SHA-256)
 * answers it without a second charge; a pipeline copy is re-encoded and would never match.
 */

/** Sanity's image CDN. Tests and self-hosted proxies point `imageBaseUrl` elsewhere. */
export const DEFAULT_IMAGE_BASE_URL = 'https://cdn.sanity.io'

/** The parts of an image asset id `image-<hash>-<w>x<h>-<format>`. */
export interface ImageRefParts {
  id: string
  width: number
  height: number
  format: string
}

const REF = /^image-([A-Za-z0-9]+)-(\d+)x(\d+)-([a-z0-9]+)$/

/** Parses an image asset reference or id; undefined when it is not one. */
export function parseImageRef(ref: string): ImageRefParts | undefined {
  const match = REF.exec(ref)
  if (!match) return undefined
  const [, id, width, height, format] = match as unknown as [string, string, string, string, string]
  return { id, width: Number(width), height: Number(height), format }
}

/** Options of `imageUrl`. */
export interface ImageUrlOptions {
  projectId: string
  dataset: string
  /** Default `DEFAULT_IMAGE_BASE_URL`. */
  baseUrl?: string | undefined
  /** Longest side in pixels; the pipeline never enlarges. Default 1024. */
  width?: number | undefined
}

/** Formats the API accepts as they are (the pipeline's names). */
const AS_IS = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp'])

/**
 * The URL of the asset `ref` to send: the original when it is within `width` and of an accepted
 * type, else the pipeline URL of a reduced JPEG copy (see the module comment).
 */
export function imageUrl(ref: string, options: ImageUrlOptions): string {
  const parts = parseImageRef(ref)
  if (!parts) throw new Error(`Not an image asset reference: ${ref}`)
  const base = (options.baseUrl ?? DEFAULT_IMAGE_BASE_URL).replace(/\/+$/, '')
  const size = options.width ?? 1024
  const file = `${parts.id}-${parts.width}x${parts.height}.${parts.format}`
  const path = `${base}/images/${encodeURIComponent(options.projectId)}/${encodeURIComponent(options.dataset)}/${file}`
  if (Math.max(parts.width, parts.height) <= size && AS_IS.has(parts.format)) return path
  // fit=max keeps the aspect ratio within size×size; fm=jpg because the API accepts JPEG, PNG,
  // GIF and WebP only (SVG and AVIF originals are converted by the pipeline).
  const query = `w=${size}&h=${size}&fit=max&fm=jpg&q=80`
  return `${path}?${query}`
}
