/**
 * The answer of a completed request, given again for a retry with its Idempotency-Key: kept with
 * the key's claim (24 h), so no model call and no charge — also when history is off.
 */
import type { StoredAnswer } from './credits.js'
import { usageRow } from './credits.js'
import type { Described } from './generate.js'
import { answerNotKept, type ClaimRow } from './idempotency.js'
import { descriptionFields } from './model-answer.js'

/** Replays the completed attempt that holds the key (`holder`, read with the balance). */
export async function replay(db: D1Database, userId: string, holder: ClaimRow): Promise<Described> {
  const id = holder.reference
  const balance = holder.credits ?? 0
  if (holder.answer) {
    const answer = JSON.parse(holder.answer) as StoredAnswer
    // An answer kept before decorative/kind existed reads with their defaults.
    return { id, ...answer, ...descriptionFields(answer), creditsRemaining: balance }
  }
  // A claim settled before answers were kept with claims: its usage row, if history kept it.
  const used = await usageRow(db, userId, id)
  if (!used?.alt_text) throw answerNotKept(id)
  return {
    id,
    altText: used.alt_text,
    language: used.language,
    model: used.model,
    creditsUsed: used.credits_used,
    creditsRemaining: balance,
    reused: false,
    ...descriptionFields({}),
  }
}
