/**
 * The images the API takes, and the size every client prepares them to. The WordPress plugin
 * reads both from its generated contract, so a type added here (or a new size) reaches it too.
 */

/** The image types the API accepts, by their bytes (`sniffImageType`), never by a name. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const

/** One of the image types the API accepts. */
export type ImageMime = (typeof IMAGE_TYPES)[number]

/**
 * The longest side, in pixels, clients downscale an image to before sending it: vision models
 * look at about this much anyway, so more pixels cost tokens and bytes for nothing.
 */
export const PREPARED_IMAGE_MAX_SIDE = 1024
