/**
 * The review queue's actions on one asset: approve, edit, regenerate. Each writes under the
 * revision the reviewer loaded (`ifRevisionID`), so a text changed since the list was loaded is
 * never approved or overwritten by mistake: the action is refused with a message instead. A user
 * who may not edit gets a clear error and nothing changes (regenerate checks that with a dry run
 * before it spends a credit).
 */
import type { SanityClient } from '@sanity/client'
import type { Describer } from '../describe/describer.js'
import { errorMessage, isRevisionConflict } from '../describe/errors.js'
import {
  type AltTextProvenance,
  altTextOrigin,
  machineProvenance,
  NEEDS_REVIEW_FILTER,
  needsReview,
  PROVENANCE_FIELD,
} from './provenance.js'

/** An asset as the review queue loads it. */
export interface ReviewAsset {
  _id: string
  _rev: string
  altText?: string | null
  altTextProvenance?: AltTextProvenance | null
  originalFilename?: string | null
  url?: string | null
}

/** The machine-written, unreviewed assets, newest first. */
export const REVIEW_QUERY = `*[_type == "sanity.imageAsset" && ${NEEDS_REVIEW_FILTER}] | order(altTextProvenance.generatedAt desc) [0...$limit] {
  _id, _rev, altText, altTextProvenance, originalFilename, url
}`

/** Why an action was refused: `changed` since loaded, `forbidden` for this user, `state` (not machine text). */
export class ReviewError extends Error {
  override readonly name = 'ReviewError'
  constructor(
    readonly reason: 'changed' | 'forbidden' | 'state',
    message: string,
  ) {
    super(message)
  }
}

/** Loads the review queue. */
export function reviewQueue(client: SanityClient, limit = 50): Promise<ReviewAsset[]> {
  return client.fetch<ReviewAsset[]>(REVIEW_QUERY, { limit })
}

const statusOf = (error: unknown) => (error as { statusCode?: unknown } | null)?.statusCode

/** Turns Sanity's refusals (revision changed, 401/403) into the user's words. */
export function refusal(
  error: unknown,
  asset: { _id: string; originalFilename?: string | null | undefined },
  since = 'this list was loaded',
): unknown {
  const name = asset.originalFilename || asset._id
  if (isRevisionConflict(error))
    return new ReviewError(
      'changed',
      `The alt text of ${name} changed since ${since}; nothing was saved. Reload to see the current text.`,
    )
  const status = statusOf(error)
  if (status === 401 || status === 403)
    return new ReviewError(
      'forbidden',
      `You may not edit ${name} (Sanity answered ${status}: ${errorMessage(error)}); nothing was changed.`,
    )
  return error
}

/** A patch of the loaded revision, committed (or with `dryRun`, only checked by Sanity). */
async function commitPatch(
  client: SanityClient,
  asset: ReviewAsset,
  set: Record<string, unknown>,
  dryRun = false,
) {
  try {
    await client
      .patch(asset._id)
      .ifRevisionId(asset._rev)
      .set(set)
      .commit({ dryRun, visibility: 'sync', returnDocuments: false })
  } catch (error) {
    throw refusal(error, asset)
  }
}

/** Approves the machine text the reviewer saw. Refused when it changed since it was loaded. */
export async function approveAsset(
  client: SanityClient,
  asset: ReviewAsset,
  reviewer: { id: string },
  now = new Date(),
): Promise<void> {
  if (!needsReview(asset))
    throw new ReviewError('state', 'Only machine-written, unreviewed alt text can be approved.')
  await commitPatch(client, asset, {
    [`${PROVENANCE_FIELD}.reviewedBy`]: reviewer.id,
    [`${PROVENANCE_FIELD}.reviewedAt`]: now.toISOString(),
  })
}

/**
 * Accepts the machine's suggestion that the image is decorative: `altText` becomes `""` (which
 * differs from the machine's text, so it is a person's choice and never replaced), reviewed by
 * this person. Refused when the text changed since it was loaded.
 */
export async function markDecorativeAsset(
  client: SanityClient,
  asset: ReviewAsset,
  reviewer: { id: string },
  now = new Date(),
): Promise<void> {
  if (!needsReview(asset) || asset.altTextProvenance?.decorative !== true)
    throw new ReviewError(
      'state',
      'Only unreviewed machine text the machine judged decorative is marked here.',
    )
  await commitPatch(client, asset, {
    altText: '',
    [`${PROVENANCE_FIELD}.reviewedBy`]: reviewer.id,
    [`${PROVENANCE_FIELD}.reviewedAt`]: now.toISOString(),
  })
}

/**
 * Saves the reviewer's text. It differs from the machine's, so the asset becomes `edited`
 * (reviewed by this person); saving the machine's text unchanged is an approval.
 */
export async function editAsset(
  client: SanityClient,
  asset: ReviewAsset,
  altText: string,
  reviewer: { id: string },
  now = new Date(),
): Promise<void> {
  const text = altText.trim()
  if (!text)
    throw new ReviewError(
      'state',
      'Alt text cannot be empty here (an empty text marks the image decorative).',
    )
  await commitPatch(client, asset, {
    altText: text,
    [`${PROVENANCE_FIELD}.reviewedBy`]: reviewer.id,
    [`${PROVENANCE_FIELD}.reviewedAt`]: now.toISOString(),
  })
}

/**
 * Asks the API for a new description (fresh, charged) and stores it as new unreviewed machine
 * text. Only for machine text still unreviewed (or none): a person's text is never replaced.
 * Permission and revision are checked by a dry run before the credit is spent.
 */
export async function regenerateAsset(
  client: SanityClient,
  describe: Describer,
  asset: ReviewAsset,
  options: { language?: string | undefined; context?: string | undefined; now?: Date } = {},
): Promise<{ altText: string; creditsUsed: number }> {
  const origin = altTextOrigin(asset)
  if (origin !== 'none' && !needsReview(asset))
    throw new ReviewError(
      'state',
      `This alt text is ${origin === 'machine' ? 'already approved' : `${origin}`}: it is not regenerated.`,
    )
  await commitPatch(client, asset, { altText: asset.altText ?? null }, true)
  const answer = await describe({
    assetRef: asset._id,
    language: options.language ?? asset.altTextProvenance?.language,
    context: options.context,
    fresh: origin !== 'none',
  })
  await commitPatch(client, asset, {
    altText: answer.altText,
    [PROVENANCE_FIELD]: machineProvenance({ ...answer, now: options.now }),
  })
  return { altText: answer.altText, creditsUsed: answer.creditsUsed }
}
