/**
 * What `alttext fix` says about cost: problems of the committed alt-text.json before it spends
 * anything, the estimate of a dry run against the balance and `--max-credits`, and the one
 * message of a run that its budget stopped. Each returns whether the run must exit non-zero.
 */
import {
  BuildCache,
  budgetStop,
  estimateCost,
  formatEstimate,
  sanitizeForTerminal,
} from '@alttextapi/core/node'
import type { AltTextRun } from '@alttextapi/rehype'

/** Where the lines go (a subset of a Node stream). */
interface Out {
  write(text: string): unknown
}

/** Warns about each problem of the committed file (with its line); they never stop the run. */
export async function reportCacheProblems(run: AltTextRun, err: Out): Promise<void> {
  if (!(run.cache instanceof BuildCache)) return
  for (const problem of await run.cache.problems())
    err.write(
      `alttext: ${sanitizeForTerminal(problem)} — this file is ignored and left as it is: fix it, or its images are described (and charged) again\n`,
    )
}

/**
 * After the pages: a dry run prints its estimate (images to describe, cached, credits needed
 * against the balance and the budget) and fails over the budget; a real run that its budget kept
 * from describing images fails with one message. Resolves to true when the exit must be 1.
 */
export async function reportCost(
  run: AltTextRun,
  out: Out,
  err: Out,
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<boolean> {
  const summary = run.summary()
  if (run.dryRun) {
    const planned = { planned: summary.planned, cached: summary.cached + summary.shared }
    // Without a key the price list is still public; the balance is then left out.
    const estimate = await estimateCost(run.client, {
      ...planned,
      model: options.model,
      maxCredits: options.maxCredits,
    })
    out.write(`alttext (dry run): estimate: ${formatEstimate(estimate)}\n`)
    if (!estimate.withinBudget) {
      err.write(
        `alttext fix: this run needs up to ${estimate.creditsNeeded} credits, over --max-credits ${options.maxCredits}\n`,
      )
      return true
    }
    return false
  }
  const stop = budgetStop(summary.skipped)
  if (stop)
    err.write(
      `alttext fix: ${stop.replace('maxCredits / --max-credits', '--max-credits / --max-images')}\n`,
    )
  return stop !== undefined
}
