/**
 * What the image field's button stores on the asset (the library's alt text) beside the text it
 * puts in the field: the machine's text with its provenance, or — when the editor accepts the
 * machine's "decorative" suggestion — `""`, reviewed by that editor. Only where a machine may
 * write (no library text, or unreviewed machine text: the button is an explicit request); a
 * person's library text is kept. Guarded by the revision the button read, so a text changed
 * meanwhile is kept too.
 */
import type { SanityClient } from '@sanity/client'
import type { Described } from '../describe/describer.js'
import {
  type AltTextProvenance,
  machineProvenance,
  mayWriteMachineText,
  PROVENANCE_FIELD,
} from './provenance.js'
import { refusal } from './review.js'

/** The asset as the field button reads it. */
export interface FieldAsset {
  _id: string
  _rev: string
  altText?: string | null | undefined
  altTextProvenance?: AltTextProvenance | null | undefined
  originalFilename?: string | null | undefined
}

/** GROQ the button reads the asset with (`$id`). */
export const FIELD_ASSET_QUERY =
  '*[_id == $id][0]{_id, _rev, altText, altTextProvenance, originalFilename}'

/** Options of `saveFieldAnswer`. */
export interface FieldAnswerOptions {
  /** The editor accepted the decorative suggestion: store `""`, reviewed by `reviewer`. */
  decorative?: boolean | undefined
  reviewer?: { id: string } | undefined
  /** Asset field for the long description (set only when empty). */
  longDescriptionField?: string | undefined
  now?: Date | undefined
}

/**
 * Stores the answer on the asset when a machine may write its alt text. Returns false when the
 * library's text is a person's (nothing written). Rejects with the user's words on a revision
 * conflict or a refusal (403).
 */
export async function saveFieldAnswer(
  client: SanityClient,
  asset: FieldAsset,
  answer: Described,
  options: FieldAnswerOptions = {},
): Promise<boolean> {
  if (!mayWriteMachineText(asset, true)) return false
  const provenance = machineProvenance({ ...answer, now: options.now })
  if (options.decorative) {
    if (!options.reviewer) throw new Error('The signed-in user is unknown: reload the Studio.')
    provenance.decorative = true
    provenance.reviewedBy = options.reviewer.id
    provenance.reviewedAt = (options.now ?? new Date()).toISOString()
  }
  let patch = client
    .patch(asset._id)
    .ifRevisionId(asset._rev)
    .set({ altText: options.decorative ? '' : answer.altText, [PROVENANCE_FIELD]: provenance })
  if (options.longDescriptionField && answer.longDescription && !options.decorative)
    patch = patch.setIfMissing({ [options.longDescriptionField]: answer.longDescription })
  try {
    await patch.commit({ visibility: 'sync', returnDocuments: false })
  } catch (error) {
    throw refusal(error, asset, 'it was read')
  }
  return true
}
