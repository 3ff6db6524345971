/** The credit estimate shown before a backfill starts. */
import type { AltTextClient } from '@alttextapi/core'
import type { SanityClient } from '@sanity/client'
import { COUNT_MISSING_QUERY } from './query.js'

/** Assets to describe, their price and the balance. */
export interface BackfillEstimate {
  missing: number
  /** Credits per image of the chosen (or default) model. */
  creditsPerImage: number
  estimatedCredits: number
  /** The key's balance; undefined when it could not be read (no key yet, proxy refusing). */
  balance: number | undefined
  model: string | undefined
}

/** Counts the assets lacking alt text and prices them with the model list. */
export async function estimateBackfill(options: {
  client: SanityClient
  altClient: AltTextClient
  model?: string | undefined
  signal?: AbortSignal
}): Promise<BackfillEstimate> {
  const [missing, models, balance] = await Promise.all([
    options.client.fetch<number>(COUNT_MISSING_QUERY),
    options.altClient.models({ signal: options.signal }),
    options.altClient.account({ signal: options.signal }).then(
      (account) => account.credits,
      () => undefined,
    ),
  ])
  const model =
    models.models.find((m) => m.id === options.model) ?? models.models.find((m) => m.default)
  const creditsPerImage = model?.credits ?? 1
  return {
    missing,
    creditsPerImage,
    estimatedCredits: missing * creditsPerImage,
    balance,
    model: model?.id,
  }
}
