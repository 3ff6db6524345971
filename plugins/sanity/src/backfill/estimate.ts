/** The credit estimate shown before a backfill starts. */
import { type AltTextClient, LONG_DESCRIPTION_CREDITS } from '@alttextapi/core'
import type { SanityClient } from '@sanity/client'
import { countQuery } from './query.js'

/** Assets to describe, their price and the balance. */
export interface BackfillEstimate {
  missing: number
  /** Credits per image of the chosen (or default) model (with a long description when asked). */
  creditsPerImage: number
  estimatedCredits: number
  /** The key's balance; undefined when it could not be read (no key yet, proxy refusing). */
  balance: number | undefined
  /** Why the balance could not be read (a fatal one — bad key — stops the CLI before it starts). */
  balanceError?: unknown
  model: string | undefined
}

/** Counts the assets lacking alt text and prices them with the model list. */
export async function estimateBackfill(options: {
  client: SanityClient
  altClient: AltTextClient
  model?: string | undefined
  /** Count unreviewed machine text too (a regenerating run). */
  regenerate?: boolean
  /** Long descriptions are asked for: each image costs the model's `longCredits` more. */
  long?: boolean | undefined
  signal?: AbortSignal
}): Promise<BackfillEstimate> {
  let balanceError: unknown
  const [missing, models, balance] = await Promise.all([
    options.client.fetch<number>(countQuery(options.regenerate)),
    options.altClient.models({ signal: options.signal }),
    // GET /v1/credits: a `generate`-scoped key may read its balance (not the account).
    options.altClient.credits({ signal: options.signal }).then(
      (credits) => credits.balance,
      (error: unknown) => {
        balanceError = error
        return undefined
      },
    ),
  ])
  const model =
    models.models.find((m) => m.id === options.model) ?? models.models.find((m) => m.default)
  const creditsPerImage =
    (model?.credits ?? 1) + (options.long ? (model?.longCredits ?? LONG_DESCRIPTION_CREDITS) : 0)
  return {
    missing,
    creditsPerImage,
    estimatedCredits: missing * creditsPerImage,
    balance,
    ...(balanceError === undefined ? {} : { balanceError }),
    model: model?.id,
  }
}
