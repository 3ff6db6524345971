/** Options of the Vite plugin. */
import type { Options } from '@alttextapi/rehype'

/**
 * The rehype plugin's options (see `@alttextapi/rehype`), less the ones the Vite plugin sets
 * itself, plus a few of its own.
 */
export interface AltTextViteOptions extends Omit<Options, 'run' | 'client'> {
  /** Print the summary line at the end of the build. Default `true`. */
  summary?: boolean | undefined
  /**
   * What a fatal answer does — a wrong key (401), no credits (402), 403, an API without a model,
   * the API unreachable after retries: `'fail'` (default) fails the build with one error;
   * `'warn'` logs it once and the build goes on, the pages not described left as they were.
   * Per-image problems are warnings either way (unless `failOnError`).
   */
  onError?: 'fail' | 'warn' | undefined
  /**
   * Progress of a long build: after 1 s a bar on a terminal (stderr), and in a CI log one line
   * every 10 s (`intervalMs`). `false`: none. Default `true`.
   */
  progress?: boolean | { intervalMs?: number | undefined } | undefined
}
