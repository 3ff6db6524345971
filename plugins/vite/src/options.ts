/** Options of the Vite plugin. */
import { checkOptions, type Options, RUN_OPTION_ENTRIES } from '@alttextapi/rehype'
import * as v from 'valibot'

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

const { client: _client, progress: _progress, ...shared } = RUN_OPTION_ENTRIES

/** The schema of every option, by key (unknown keys are refused: a typo must not pass silently). */
const ENTRIES = {
  ...shared,
  summary: v.optional(v.boolean()),
  onError: v.optional(v.picklist(['fail', 'warn'])),
  progress: v.optional(
    v.union([
      v.boolean(),
      v.strictObject({
        intervalMs: v.optional(
          v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1)),
        ),
      }),
    ]),
  ),
}

/**
 * Checks the plugin's options and returns them; throws one error naming the first wrong key, e.g.
 * `@alttextapi/vite-plugin: unknown option "maxCredit"`.
 */
export const checkViteOptions = (options: unknown): AltTextViteOptions =>
  checkOptions<AltTextViteOptions>('@alttextapi/vite-plugin', ENTRIES, options)
