/**
 * Credit packs sold through Stripe Checkout. One credit is one image with the default model, and
 * the list price of a credit is one cent; bigger packs carry a discount. Pack ids are stable: they
 * are stored with every purchase and sent to Stripe in the session metadata.
 */
import type { Pack } from '@alttextapi/core'

/** The list price of one credit, in cents (USD). */
export const CENTS_PER_CREDIT = 1

/** The currency of every pack (ISO 4217, lower case as Stripe writes it). */
export const CURRENCY = 'usd'

const pack = (credits: number, discountPercent: number): Pack => ({
  id: `pack_${credits}`,
  credits,
  amount: Math.round((credits * CENTS_PER_CREDIT * (100 - discountPercent)) / 100),
  currency: CURRENCY,
})

/**
 * The packs on sale, smallest first. The smallest is the minimum purchase ($5: well above
 * Stripe's minimum charge, and the card fee stays a small share of it).
 */
export const PACKS: readonly Pack[] = Object.freeze([
  pack(500, 0),
  pack(2_000, 10),
  pack(10_000, 20),
])

/** The minimum purchase, in cents. */
export const MINIMUM_AMOUNT = Math.min(...PACKS.map((p) => p.amount))

/** The pack with this id, or undefined. */
export function findPack(id: string): Pack | undefined {
  return PACKS.find((p) => p.id === id)
}
