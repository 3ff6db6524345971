/** Texts the Studio parts show: pure, so tests read them without rendering. */
import type { BackfillProgress } from '../backfill/backfill.js'
import type { BackfillEstimate } from '../backfill/estimate.js'
import type { FillProgress, FillSummary } from '../fill/fill-document.js'

/** The label shown while running: "Generating alt text 3/7". */
export function progressLabel(progress: FillProgress | undefined): string {
  if (!progress || progress.total === 0) return 'Generating alt text…'
  if (progress.phase === 'saving') return 'Saving alt text…'
  return `Generating alt text ${progress.done}/${progress.total}`
}

/** One-line summary of a fill for the dialog. */
export function summaryText(summary: FillSummary): string {
  const parts = [`${summary.written} alt text${summary.written === 1 ? '' : 's'} written`]
  if (summary.failed.length) parts.push(`${summary.failed.length} failed`)
  if (summary.skipped) parts.push(`${summary.skipped} skipped (edited meanwhile)`)
  parts.push(`${summary.creditsUsed} credit${summary.creditsUsed === 1 ? '' : 's'} used`)
  if (summary.creditsRemaining !== undefined) parts.push(`${summary.creditsRemaining} left`)
  return `${parts.join(', ')}.`
}

/** "12 of 340 (3 failed)". */
export function progressText(p: BackfillProgress): string {
  return `${p.processed} of ${p.total}${p.failed ? ` (${p.failed} failed)` : ''}`
}

/** Whether the balance covers the estimate (unknown balance: let the user decide). */
export function estimateWarning(estimate: BackfillEstimate): string | undefined {
  if (estimate.balance === undefined) return 'The balance could not be read.'
  if (estimate.balance < estimate.estimatedCredits)
    return `The balance (${estimate.balance}) covers ${Math.floor(estimate.balance / estimate.creditsPerImage)} images; the run stops when it is spent.`
  return undefined
}
