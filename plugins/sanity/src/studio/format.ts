/** Texts the Studio parts show: pure, so tests read them without rendering. */
import type { BackfillProgress } from '../backfill/backfill.js'
import type { BackfillEstimate } from '../backfill/estimate.js'
import type { FillProgress, FillSummary } from '../fill/fill-document.js'
import { type AssetAlt, altTextOrigin, markedDecorative } from '../provenance/provenance.js'

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

/**
 * What the field action and the review tool say about an asset's alt text:
 * "Written by the machine (gemini, en, 2026-12-05), not reviewed".
 */
export function provenanceText(asset: AssetAlt): string {
  const origin = altTextOrigin(asset)
  if (origin === 'none') return 'The image has no alt text in the library.'
  if (markedDecorative(asset))
    return 'Marked decorative (alt="") by a person, as the machine suggested.'
  if (origin === 'human') return 'Written by a person.'
  const p = asset.altTextProvenance ?? {}
  const facts = [p.model, p.language, p.generatedAt?.slice(0, 10)].filter(Boolean).join(', ')
  const by = facts ? ` (${facts})` : ''
  if (origin === 'edited') return `Machine text${by}, edited by a person.`
  const suggestion = p.decorative
    ? ' The machine suggests the image is decorative (it carries no information).'
    : ''
  return (
    (p.reviewedAt
      ? `Written by the machine${by}, approved${p.reviewedBy ? ` by ${p.reviewedBy}` : ''} on ${p.reviewedAt.slice(0, 10)}.`
      : `Written by the machine${by}, not reviewed.`) + suggestion
  )
}
