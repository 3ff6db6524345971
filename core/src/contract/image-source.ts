/** The two ways a request names its image: a URL for the API to fetch, or the image itself. */
export interface ImageSourceFields<I = string> {
  imageUrl?: string | null | undefined
  image?: I | null | undefined
}

/** The one source a request names. */
export type ImageSource<I = string> = { imageUrl: string } | { image: I }

/** Why a request names no usable image source. */
export type ImageSourceProblem = 'both' | 'neither'

/** The result of `pickImageSource`. */
export type ImageSourceResult<I = string> =
  | { ok: true; source: ImageSource<I> }
  | { ok: false; problem: ImageSourceProblem; message: string }

const MESSAGES: Record<ImageSourceProblem, string> = {
  both: 'send either imageUrl or image, not both',
  neither: 'send imageUrl (a public http(s) URL) or image (base64 or a data: URL)',
}

/**
 * The imageUrl-or-image rule: a request names exactly one of `imageUrl` or `image`. Absent means
 * undefined or null; an empty string counts as given (the schema then refuses it), so `""` never
 * silently picks the other source.
 */
export function pickImageSource<I = string>(fields: ImageSourceFields<I>): ImageSourceResult<I> {
  const { imageUrl, image } = fields
  const hasUrl = imageUrl !== undefined && imageUrl !== null
  const hasImage = image !== undefined && image !== null
  if (hasUrl && hasImage) return { ok: false, problem: 'both', message: MESSAGES.both }
  if (hasUrl) return { ok: true, source: { imageUrl } }
  if (hasImage) return { ok: true, source: { image } }
  return { ok: false, problem: 'neither', message: MESSAGES.neither }
}
