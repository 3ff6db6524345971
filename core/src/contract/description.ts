/**
 * What an image is for and what kind of image it is (issue 23): the request's `purpose` and
 * `long`, the answer's `kind`, `decorative` and `longDescription`. The API validates and prices
 * with these, the clients type their calls with them, and the WordPress plugin reads the same
 * lists from its generated contract.
 */

/**
 * What the image is for. `content` (default): it shows something the page needs. `link`: it is
 * the only content of a link, so its alt text names where the link goes (the link target and
 * text go in `context`). `auto`: the model judges from the image and the context.
 */
export const PURPOSES = ['content', 'link', 'auto'] as const
export type Purpose = (typeof PURPOSES)[number]
export const DEFAULT_PURPOSE: Purpose = 'content'

/** What kind of image the model saw. */
export const IMAGE_KINDS = [
  'photo',
  'illustration',
  'chart',
  'diagram',
  'screenshot',
  'text',
  'logo',
  'icon',
] as const
export type ImageKind = (typeof IMAGE_KINDS)[number]

/**
 * The kind an answer carries when the model did not name a known one (it answered plain text, or
 * a kind outside the list): `photo`, the most common kind on the web and the one that never asks
 * for a long description.
 */
export const FALLBACK_KIND: ImageKind = 'photo'

/**
 * The kinds whose information does not fit in alt text: with `long: true` their answer carries a
 * `longDescription` (the data of a chart, the steps of a diagram, the text of a screenshot).
 */
export const LONG_DESCRIPTION_KINDS: readonly ImageKind[] = [
  'chart',
  'diagram',
  'screenshot',
  'text',
]

/** Longest `longDescription`, in characters (cut at a word, like alt text). */
export const MAX_LONG_DESCRIPTION_LENGTH = 2000

/**
 * Extra credits a request with `long: true` costs per described image, on top of the model's
 * price, whether or not the image turns out to need a long description: the model is asked to do
 * the extra work either way, and the price is known before the call (so a 402 or a daily cap is
 * decided up front, in the one charge). A reused description costs nothing, as always.
 */
export const LONG_DESCRIPTION_CREDITS = 1

/** True when `value` is one of `PURPOSES`. */
export const isPurpose = (value: unknown): value is Purpose =>
  typeof value === 'string' && (PURPOSES as readonly string[]).includes(value)

/** True when `value` is one of `IMAGE_KINDS`. */
export const isImageKind = (value: unknown): value is ImageKind =>
  typeof value === 'string' && (IMAGE_KINDS as readonly string[]).includes(value)
