/**
 * The summary of one run: what every describe call ended as, counted once per image, with
 * per-image failures grouped by what went wrong (a build log lists each problem once, not once
 * per image) and the one fatal error that stopped the run, if any.
 */
import type { AltTextError } from './alttext-error.js'

/** A group of images that failed the same way. */
export interface FailureGroup {
  code: string
  message: string
  count: number
}

/** Counters of one run (see `Describer.summary()`). */
export interface RunSummary {
  /** Images the API described in this run (charged or `reused`). */
  described: number
  /** Answered from the cache: no call. */
  cached: number
  /** Identical to an image already described in this run (same bytes and options): no call. */
  shared: number
  /** Of `described`, the answers the API reused (`reused: true`, no credits). */
  reused: number
  /** Answers the API marked decorative: a suggestion, never applied silently. */
  decorative: number
  /** Images left out on purpose, by reason (`dry run`, `budget of 5 images reached`…). */
  skipped: Record<string, number>
  /** Images that failed with a problem of their own (the run went on). */
  failed: number
  /** `failed`, grouped by code and message, in the order first seen. */
  failures: FailureGroup[]
  /** Images not described because the run had stopped on `fatal`. */
  stopped: number
  /** Credits the API reported as spent. */
  creditsUsed: number
  /** The balance after the last answer, when the API said. */
  creditsRemaining?: number | undefined
  /** Dry run: distinct images that would be sent. */
  planned: number
  /** The error that stopped the run (401, 402, 403, `model_not_configured`, API unreachable). */
  fatal?: AltTextError | undefined
}

/** A summary with every counter at zero. */
export function emptySummary(): RunSummary {
  return {
    described: 0,
    cached: 0,
    shared: 0,
    reused: 0,
    decorative: 0,
    skipped: {},
    failed: 0,
    failures: [],
    stopped: 0,
    creditsUsed: 0,
    planned: 0,
  }
}

/** Adds one failed image to `summary`, in the group of its code and message. */
export function recordFailure(summary: RunSummary, code: string, message: string): void {
  summary.failed++
  const group = summary.failures.find((g) => g.code === code && g.message === message)
  if (group) group.count++
  else summary.failures.push({ code, message, count: 1 })
}

/** A deep enough copy for a caller to keep (the run goes on changing its own). */
export function copySummary(summary: RunSummary): RunSummary {
  return {
    ...summary,
    skipped: { ...summary.skipped },
    failures: summary.failures.map((g) => ({ ...g })),
  }
}
