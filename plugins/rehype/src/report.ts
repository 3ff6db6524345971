/**
 * How a file reports what happened to its images: the one way both unified plugins (this one and
 * `@alttextapi/remark`) count outcomes and turn them into `file.message`s, and how a fatal answer
 * or, with `failOnError`, a failure fails the file.
 */
import { displaySource, sanitizeForTerminal } from '@alttextapi/core/node'
import type { Element } from 'hast'
import type { VFile } from 'vfile'
import type { AltTextRun } from './run.js'
import { type AltTextStats, emptyStats } from './stats.js'

/** Every message's `source`. */
export const SOURCE = 'alttextapi'

/** One image's outcome, as a file reports it. */
export interface ReportedOutcome {
  /** `stopped`: not described because the run stopped on a fatal answer (see `run.fatal`). */
  status: 'described' | 'cached' | 'skipped' | 'failed' | 'stopped'
  reason?: string | undefined
  /** The image's address as the page wrote it (shown shortened in messages). */
  src?: string | undefined
  /** Where the image is in the file. */
  place?: Element['position']
  /** Credits the API charged for this image. */
  creditsUsed?: number | undefined
  /** The API reused an earlier description of the same image. */
  reused?: boolean | undefined
}

/** The reasons that get their own message: each plugin words them for its own syntax. */
export interface ReportReasons {
  /** The reason of an image the API judged decorative (a suggestion, never applied for you). */
  decorative: string
  /** The reason of an image whose alt text a person wrote (kept, an info message). */
  kept?: string | undefined
}

/** Skips that are the user's own choice: no message. */
const CHOSEN = /^(not included|excluded)$/

/**
 * Counts `outcomes` into new file counters and the run's, and reports each problem on `file`: a
 * failure, a decorative suggestion and any other skip as a warning (page text and API answers
 * sanitised for terminals), a dry run's and a kept text's as info. Returns the file's counters.
 * Call `failOnStop` after storing the file's data: it may throw.
 */
export function reportOutcomes(
  file: VFile,
  run: AltTextRun,
  outcomes: readonly ReportedOutcome[],
  reasons: ReportReasons,
): AltTextStats {
  const stats = emptyStats()
  for (const outcome of outcomes) {
    stats.images++
    run.stats.images++
    stats[outcome.status]++
    run.stats[outcome.status]++
    // The run's credits come from core's summary; a file counts what its own images spent.
    stats.creditsUsed += outcome.creditsUsed ?? 0
    if (outcome.reused) stats.reused++
    const label = outcome.src ? ` (${displaySource(outcome.src)})` : ''
    const place = { place: outcome.place, source: SOURCE }
    const reason = outcome.reason ?? ''
    if (outcome.status === 'failed') {
      file.message(sanitizeForTerminal(`Could not describe image${label}: ${reason}`), {
        ...place,
        ruleId: 'failed',
      })
    } else if (outcome.status === 'skipped' && !CHOSEN.test(reason)) {
      if (reason === 'dry run') {
        file.info(`Image without alt text${label}: would be described`, {
          ...place,
          ruleId: 'dry-run',
        })
      } else if (reasons.kept !== undefined && reason === reasons.kept) {
        file.info(`Alt text kept${label}: ${reason}`, { ...place, ruleId: 'kept' })
      } else {
        file.message(sanitizeForTerminal(`Image left without alt text${label}: ${reason}`), {
          ...place,
          ruleId: reason === reasons.decorative ? 'decorative' : 'skipped',
        })
      }
    }
  }
  return stats
}

/**
 * Fails the file when the run stopped on a fatal answer (one message instead with
 * `failOnError: false`), and, with `failOnError: true`, on the first failure.
 */
export function failOnStop(file: VFile, run: AltTextRun, outcomes: readonly ReportedOutcome[]) {
  const fatal = outcomes.some((o) => o.status === 'stopped') ? run.fatal : undefined
  if (fatal) {
    const reason = sanitizeForTerminal(`Stopped: ${fatal.message}`)
    const where = { source: SOURCE, ruleId: 'fatal' }
    if (run.options.failOnError === false) file.message(reason, where)
    else file.fail(reason, where)
  }
  const failure = outcomes.find((o) => o.status === 'failed')
  if (run.options.failOnError && failure) {
    file.fail(
      sanitizeForTerminal(
        `Could not describe image (${displaySource(failure.src ?? '')}): ${failure.reason}`,
      ),
      { place: failure.place, source: SOURCE, ruleId: 'failed' },
    )
  }
}
