/**
 * The answer of a completed request, given again for a retry with its Idempotency-Key: from its
 * usage row, with no model call and no charge. When its alt text was not kept (history off), the
 * image is described again without a charge (it was paid once), a few times at most.
 */
import type { Config } from '../env.js'
import { takeRedescription, usageAndBalance } from './credits.js'
import { describe } from './describe.js'
import type { Described, ImageJob } from './generate.js'
import { redescriptionsUsed } from './idempotency.js'

/** Replays the completed attempt `reference` of the key `keyHash` of `userId`. */
export async function replay(
  db: D1Database,
  config: Config,
  earlier: { userId: string; keyHash: string; reference: string },
  job: ImageJob,
): Promise<Described> {
  const id = earlier.reference
  const { used, balance } = await usageAndBalance(db, earlier.userId, id)
  if (used?.alt_text) {
    return {
      id,
      altText: used.alt_text,
      language: used.language,
      model: used.model,
      creditsUsed: used.credits_used,
      creditsRemaining: balance,
      reused: false,
    }
  }
  if (!(await takeRedescription(db, earlier))) throw redescriptionsUsed(id)
  const again = await describe(config, job.model, { ...job, image: await job.image() })
  return {
    id,
    altText: again.altText,
    language: used?.language ?? job.language,
    model: again.model,
    creditsUsed: used?.credits_used ?? job.model.credits,
    creditsRemaining: balance,
    reused: false,
  }
}
