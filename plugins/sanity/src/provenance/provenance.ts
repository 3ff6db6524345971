/**
 * Provenance of an asset's alt text, stored beside `altText` on the `sanity.imageAsset` document
 * (field `altTextProvenance`, documented in the README). Who wrote the text is derived, not
 * declared: the plugin keeps the machine's own text, and a stored `altText` that no longer equals
 * it was changed by a person (`edited`).
 */

/** Name of the field beside `altText` on the asset. */
export const PROVENANCE_FIELD = 'altTextProvenance'

/** `_type` of the provenance object. */
export const PROVENANCE_TYPE = 'alttextapi.provenance'

/** What the plugin stores when the machine writes an asset's alt text. */
export interface AltTextProvenance {
  _type?: typeof PROVENANCE_TYPE
  /** Always `machine`: only the plugin writes this object. */
  origin: 'machine'
  /** The text exactly as the API wrote it (the comparison that detects a person's edit). */
  machineText: string
  model?: string | undefined
  language?: string | undefined
  /** ISO time the text was written. */
  generatedAt: string
  /**
   * The model judged the image decorative. A suggestion only: the text stays until a person
   * marks the image decorative (then `altText` is `""`, which differs from `machineText`).
   */
  decorative?: boolean | undefined
  /** What the model saw: photo, illustration, chart, diagram, screenshot, text, logo, icon. */
  kind?: string | undefined
  /** Sanity user id of the person who approved (or edited) the text. */
  reviewedBy?: string | undefined
  /** ISO time of the approval. */
  reviewedAt?: string | undefined
}

/** Who wrote an asset's current alt text. `none`: there is none. */
export type AltTextOrigin = 'machine' | 'edited' | 'human' | 'none'

/** The parts of an asset the rules read. */
export interface AssetAlt {
  altText?: string | null | undefined
  /** As read from the lake: any stored shape (only these fields are trusted, by type). */
  altTextProvenance?: Partial<Omit<AltTextProvenance, '_type' | 'origin'>> | null | undefined
}

/** Who wrote the asset's alt text now. An empty string (decorative) is a person's choice. */
export function altTextOrigin(asset: AssetAlt): AltTextOrigin {
  const text = asset.altText
  if (text === undefined || text === null) return 'none'
  const machine = asset.altTextProvenance?.machineText
  if (typeof machine !== 'string') return 'human'
  return text === machine ? 'machine' : 'edited'
}

/** True when a person marked the image decorative after the model suggested it (`altText` `""`). */
export function markedDecorative(asset: AssetAlt): boolean {
  return asset.altText === '' && asset.altTextProvenance?.decorative === true
}

/** True when the text is the machine's and nobody has approved it yet. */
export function needsReview(asset: AssetAlt): boolean {
  return altTextOrigin(asset) === 'machine' && !asset.altTextProvenance?.reviewedAt
}

/**
 * Whether a machine run may write this asset: when it has no alt text, or (only when the user
 * asked to regenerate) when its text is the machine's and still unreviewed. Human and edited
 * text never, whatever the option.
 */
export function mayWriteMachineText(asset: AssetAlt, regenerate = false): boolean {
  const origin = altTextOrigin(asset)
  return origin === 'none' || (regenerate && needsReview(asset))
}

/** The provenance the plugin stores with a machine text. */
export function machineProvenance(answer: {
  altText: string
  model?: string | undefined
  language?: string | undefined
  decorative?: boolean | undefined
  kind?: string | undefined
  now?: Date | undefined
}): AltTextProvenance {
  const provenance: AltTextProvenance = {
    _type: PROVENANCE_TYPE,
    origin: 'machine',
    machineText: answer.altText,
    generatedAt: (answer.now ?? new Date()).toISOString(),
  }
  if (answer.model) provenance.model = answer.model
  if (answer.language) provenance.language = answer.language
  if (answer.decorative === true) provenance.decorative = true
  if (answer.kind) provenance.kind = answer.kind
  return provenance
}

/** GROQ: the asset's text is the machine's and unreviewed (the review queue). */
export const NEEDS_REVIEW_FILTER =
  'defined(altText) && altText == altTextProvenance.machineText && !defined(altTextProvenance.reviewedAt)'

/** GROQ: an asset a machine run may write; with `regenerate`, unreviewed machine text too. */
export function writableFilter(regenerate: boolean): string {
  return regenerate ? `(!defined(altText) || (${NEEDS_REVIEW_FILTER}))` : '!defined(altText)'
}
