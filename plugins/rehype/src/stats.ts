/** Counters of a run (and of one file), and the summary line the Vite plugin and the CLI print. */

/** What happened to images without alt text. */
export interface AltTextStats {
  /** Images found that needed alt text. */
  images: number
  /** Described by an API call in this run. */
  described: number
  /** Answered without a call: from the cache, or shared with an identical image of this run. */
  cached: number
  /** Left alone on purpose: excluded, budget reached, dry run, remote images skipped. */
  skipped: number
  /** Left alone because something went wrong (reported as a message). */
  failed: number
  /** Not described because the run stopped on a fatal answer (bad key, no credits…). */
  stopped: number
  /** Of `described`, the answers the API reused from an earlier call (no credits). */
  reused: number
  /** Answers the API marked decorative (reported as a suggestion; never applied as `alt=""`). */
  decorative: number
  /** Credits the API reported as spent. */
  creditsUsed: number
  /** Dry run: distinct images that would be sent to the API. */
  planned: number
}

/** All counters at zero. */
export function emptyStats(): AltTextStats {
  return {
    images: 0,
    described: 0,
    cached: 0,
    skipped: 0,
    failed: 0,
    stopped: 0,
    reused: 0,
    decorative: 0,
    creditsUsed: 0,
    planned: 0,
  }
}

/**
 * `5 described, 2 cached, 1 skipped, 0 failed, 5 credits used` (+ reused, decorative and stopped
 * when there are any, + planned in a dry run).
 */
export function formatStats(stats: AltTextStats, dryRun = false): string {
  const parts = [
    `${stats.described} described`,
    ...(stats.reused > 0 ? [`${stats.reused} reused`] : []),
    `${stats.cached} cached`,
    ...(stats.decorative > 0 ? [`${stats.decorative} decorative`] : []),
    `${stats.skipped} skipped`,
    `${stats.failed} failed`,
    ...(stats.stopped > 0 ? [`${stats.stopped} stopped`] : []),
    `${stats.creditsUsed} ${stats.creditsUsed === 1 ? 'credit' : 'credits'} used`,
  ]
  if (dryRun) parts.push(`dry run: ${stats.planned} would be described`)
  return parts.join(', ')
}
