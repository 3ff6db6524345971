/** The GROQ the backfill runs: assets of the library a machine run may write. */
import { PROVENANCE_FIELD, writableFilter } from '../provenance/provenance.js'

/** Filter of image assets lacking alt text. An empty string counts as set (decorative). */
export const MISSING_ALT_FILTER = '_type == "sanity.imageAsset" && !defined(altText)'

/**
 * Assets the backfill writes: lacking alt text, and with `regenerate` also those whose text is
 * the machine's and unreviewed. Human and edited text never match.
 */
export function backfillFilter(regenerate = false): string {
  return `_type == "sanity.imageAsset" && ${writableFilter(regenerate)}`
}

/** How many assets lack alt text. */
export const COUNT_MISSING_QUERY = `count(*[${MISSING_ALT_FILTER}])`

/** How many assets the backfill would write. */
export const countQuery = (regenerate = false) => `count(*[${backfillFilter(regenerate)}])`

/**
 * One page of assets after the cursor `$after` (by `_id`, so a dry run or a run with failures
 * still moves forward), with what helps describe them: title, description, file name and the
 * titles and language of up to three documents that use the asset.
 */
export const pageQuery = (regenerate = false) =>
  `*[${backfillFilter(regenerate)} && _id > $after] | order(_id asc) [0...$size] {
  _id, _rev, originalFilename, title, description, altText, ${PROVENANCE_FIELD},
  "usedIn": *[references(^._id)][0...3]{ "title": coalesce(title, name, heading), "language": coalesce(language, __i18n_lang) }
}`

/** The page query of a plain backfill (missing alt text only). */
export const PAGE_QUERY = pageQuery(false)

/** An asset as `pageQuery` returns it. */
export interface AssetRow {
  _id: string
  _rev: string
  originalFilename?: string | null
  title?: string | null
  description?: string | null
  altText?: string | null
  altTextProvenance?: { machineText?: string; reviewedAt?: string } | null
  usedIn?: Array<{ title?: string | null; language?: string | null }> | null
}
