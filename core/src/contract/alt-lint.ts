/**
 * The data of the alt-text lint rules (issue 23) that more than one client applies: core's
 * `lintAlt` (CLI, rehype, remark) and the WordPress plugin's review view, which reads them from
 * its generated contract.json. The rules' logic and messages stay with each client; the patterns
 * and the limit live here, once.
 */

/** Alt text that is an address: `http://`, `https://` or protocol-relative `//`. */
export const ALT_LINT_URL_PATTERN = /^(?:https?:)?\/\//i

/** Alt text that ends like an image file name (after trailing punctuation is dropped). */
export const ALT_LINT_IMAGE_FILE_PATTERN = /\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic)$/i

/** Alt text that is only a placeholder word or a camera's file stem (trailing punctuation dropped). */
export const ALT_LINT_PLACEHOLDER_PATTERN =
  /^(?:image|img|photo|photograph|picture|pic|graphic|logo|icon|banner|spacer|untitled|screenshot|alt|alt text|placeholder|(?:img|dsc|dscn|pxl|image|photo)[_ -]?\d+)$/i

/** Alt text that starts with "image of", "a picture of", "the photo of"… */
export const ALT_LINT_PREFIX_PATTERN =
  /^(?:an? |the )?(?:image|picture|photo|photograph|graphic) of\b/i

/** Longest alt text, in characters (UTF-16 code units), before the `too-long` rule flags it. */
export const ALT_LINT_MAX_LENGTH = 150
