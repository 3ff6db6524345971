/**
 * URLs of Sanity's image pipeline. The API gets a reduced copy (1024 px on the longest side by
 * default, JPEG) rather than the original: smaller to fetch, cheaper and faster to describe.
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

/** The pipeline URL of a reduced JPEG copy of the asset `ref`. */
export function imageUrl(ref: string, options: ImageUrlOptions): string {
  const parts = parseImageRef(ref)
  if (!parts) throw new Error(`Not an image asset reference: ${ref}`)
  const base = (options.baseUrl ?? DEFAULT_IMAGE_BASE_URL).replace(/\/+$/, '')
  const size = options.width ?? 1024
  const file = `${parts.id}-${parts.width}x${parts.height}.${parts.format}`
  // fit=max keeps the aspect ratio within size×size; fm=jpg because the API accepts JPEG, PNG,
  // GIF and WebP only (SVG and AVIF originals are converted by the pipeline).
  const query = `w=${size}&h=${size}&fit=max&fm=jpg&q=80`
  return `${base}/images/${encodeURIComponent(options.projectId)}/${encodeURIComponent(options.dataset)}/${file}?${query}`
}
