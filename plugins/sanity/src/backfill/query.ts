/** The GROQ the backfill runs: assets of the library whose `altText` is not set. */

/** Filter of image assets lacking alt text. An empty string counts as set (decorative). */
export const MISSING_ALT_FILTER = '_type == "sanity.imageAsset" && !defined(altText)'

/** How many assets lack alt text. */
export const COUNT_MISSING_QUERY = `count(*[${MISSING_ALT_FILTER}])`

/**
 * One page of assets after the cursor `$after` (by `_id`, so a dry run or a run with failures
 * still moves forward), with what helps describe them: title, description, file name and the
 * titles and language of up to three documents that use the asset.
 */
export const PAGE_QUERY = `*[${MISSING_ALT_FILTER} && _id > $after] | order(_id asc) [0...$size] {
  _id, _rev, originalFilename, title, description,
  "usedIn": *[references(^._id)][0...3]{ "title": coalesce(title, name, heading), "language": coalesce(language, __i18n_lang) }
}`

/** An asset as `PAGE_QUERY` returns it. */
export interface AssetRow {
  _id: string
  _rev: string
  originalFilename?: string | null
  title?: string | null
  description?: string | null
  usedIn?: Array<{ title?: string | null; language?: string | null }> | null
}
