/**
 * The integration's options: their type, and their check with valibot (as core checks the wire),
 * so a wrong option fails `astro build` at once with one message naming the key.
 */
import { checkOptions, type Options as RehypeOptions, RUN_OPTION_ENTRIES } from '@alttextapi/rehype'
import * as v from 'valibot'

/**
 * The options of `@alttextapi/rehype` (key, API URL, language, budget, cache, filters…) that make
 * sense for a whole site: the integration takes these and checks them as rehype does.
 */
const SHARED = [
  'apiKey',
  'baseUrl',
  'language',
  'model',
  'maxLength',
  'overwrite',
  'cache',
  'cacheFile',
  'cacheDir',
  'concurrency',
  'batch',
  'maxImages',
  'maxCredits',
  'dryRun',
  'failOnError',
  'include',
  'exclude',
  'remoteImages',
  'allowHosts',
  'fetchTimeoutMs',
  'maxImageBytes',
  'maxSide',
] as const

/** The shared options of `@alttextapi/rehype` (`SHARED`), plus the integration's own. */
export interface AltTextAstroOptions extends Pick<RehypeOptions, (typeof SHARED)[number]> {
  /** Fill Markdown and MDX images with the remark plugin (the source keeps `![](x)`). Default `true`. */
  markdown?: boolean | undefined
  /** Fill the built HTML (`<img>` in `.astro` files, `<Image>` output) after the build. Default `true`. */
  html?: boolean | undefined
  /**
   * Send nearby text (title, heading, paragraph, link) with each image. Default `true`. (No
   * function here: Markdown and HTML pages find different context.)
   */
  context?: boolean | undefined
  /** Log the summary line at the end of the build. Default `true`. */
  summary?: boolean | undefined
  /**
   * What a fatal answer does (wrong key 401, no credits 402, 403, an API without a model, the API
   * unreachable after retries), and images the budget (`maxImages`, `maxCredits`) kept back:
   * `'fail'` (default) fails the build with one error; `'warn'` logs it once and the build goes
   * on, the images not described left as they were.
   */
  onError?: 'fail' | 'warn' | undefined
}

/** The schema of every option, by key; unknown keys are refused (a typo must not pass silently). */
const ENTRIES = {
  ...v.pick(v.object(RUN_OPTION_ENTRIES), SHARED).entries,
  // A boolean only here: Markdown and HTML pages find different context.
  context: v.optional(v.boolean()),
  markdown: v.optional(v.boolean()),
  html: v.optional(v.boolean()),
  summary: v.optional(v.boolean()),
  onError: v.optional(v.picklist(['fail', 'warn'])),
} satisfies { [K in keyof Required<AltTextAstroOptions>]: v.GenericSchema }

/**
 * Checks `options` and returns them; throws one `Error` naming the first wrong key, e.g.
 * `@alttextapi/astro: option "maxCredits": Invalid type: Expected number but received "10"`.
 */
export function parseOptions(options: unknown): AltTextAstroOptions {
  return checkOptions<AltTextAstroOptions>('@alttextapi/astro', ENTRIES, options)
}
