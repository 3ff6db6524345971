/**
 * How one image of a run ended (`Outcome`), how it counts in the run's summary, and the copy an
 * identical image of the same run gets.
 */
import type { AltTextError } from './alttext-error.js'
import type { CachedAltText } from './cache.js'
import { type RunSummary, recordFailure } from './summary.js'

/** An answer: from the API now, or without a call (cache, or an identical image of this run). */
export type Outcome =
  | (CachedAltText & {
      status: 'described'
      creditsUsed: number
      /** The API reused an earlier description of the same image (no credits). */
      reused: boolean
    })
  | (CachedAltText & {
      status: 'cached'
      /** True when an identical image of this run was described (not the cache). */
      shared: boolean
    })
  /** Left out on purpose: `dry run` or a budget reached. */
  | { status: 'skipped'; reason: string }
  /** This image failed; the run goes on. */
  | { status: 'failed'; error: Error; code: string }
  /** The run has stopped: `error` is the one fatal error, the same for every image. */
  | { status: 'stopped'; error: AltTextError }

/** Adds one image's outcome to the run's counters. */
export function countOutcome(summary: RunSummary, outcome: Outcome): void {
  switch (outcome.status) {
    case 'described':
      summary.described++
      summary.creditsUsed += outcome.creditsUsed
      if (outcome.reused) summary.reused++
      if (outcome.decorative) summary.decorative++
      break
    case 'cached':
      if (outcome.shared) summary.shared++
      else summary.cached++
      if (outcome.decorative && !outcome.shared) summary.decorative++
      break
    case 'skipped':
      summary.skipped[outcome.reason] = (summary.skipped[outcome.reason] ?? 0) + 1
      break
    case 'failed':
      recordFailure(summary, outcome.code, outcome.error.message)
      break
    case 'stopped':
      summary.stopped++
      break
  }
}

/**
 * What an image identical to a described or cached one gets: the same text, as a `shared` cache
 * hit (no credits). Undefined for other outcomes (the describer decides those).
 */
export function sharedCopy(outcome: Outcome): Outcome | undefined {
  if (outcome.status !== 'described' && outcome.status !== 'cached') return undefined
  const { altText, language, model, createdAt, decorative, kind, longDescription, origin } = outcome
  const value: CachedAltText = { altText, language, model, createdAt }
  // Who wrote it travels too: text a person wrote stays theirs on every copy of the image.
  if (origin !== undefined) value.origin = origin
  if (decorative) value.decorative = true
  if (kind !== undefined) value.kind = kind
  if (longDescription !== undefined) value.longDescription = longDescription
  return { ...value, status: 'cached', shared: true }
}
