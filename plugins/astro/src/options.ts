/**
 * The integration's options: their type, and their check with valibot (as core checks the wire),
 * so a wrong option fails `astro build` at once with one message naming the key.
 */
import type { Options as RehypeOptions } from '@alttextapi/rehype'
import * as v from 'valibot'

/**
 * The options of `@alttextapi/rehype` (key, API URL, language, budget, cache, filters…) that make
 * sense for a whole site, plus the integration's own.
 */
export interface AltTextAstroOptions
  extends Pick<
    RehypeOptions,
    | 'apiKey'
    | 'baseUrl'
    | 'language'
    | 'model'
    | 'maxLength'
    | 'overwrite'
    | 'cache'
    | 'cacheFile'
    | 'cacheDir'
    | 'concurrency'
    | 'batch'
    | 'maxImages'
    | 'maxCredits'
    | 'dryRun'
    | 'failOnError'
    | 'include'
    | 'exclude'
    | 'remoteImages'
    | 'allowHosts'
    | 'fetchTimeoutMs'
    | 'maxImageBytes'
    | 'maxSide'
  > {
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
   * unreachable after retries): `'fail'` (default) fails the build with one error; `'warn'` logs
   * it once and the build goes on, the images not described left as they were.
   */
  onError?: 'fail' | 'warn' | undefined
}

const count = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0))
const positive = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1))
const filter = v.union([
  v.string(),
  v.instance(RegExp),
  v.custom<(...args: never[]) => unknown>((x) => typeof x === 'function', 'must be a function'),
])
const filters = v.union([filter, v.array(filter)])

/** The schema of every option; unknown keys are refused (a typo must not pass silently). */
const OptionsSchema = v.strictObject({
  apiKey: v.optional(v.pipe(v.string(), v.nonEmpty('must not be empty'))),
  baseUrl: v.optional(v.pipe(v.string(), v.url('must be a URL'))),
  language: v.optional(v.pipe(v.string(), v.nonEmpty('must not be empty'))),
  model: v.optional(v.string()),
  maxLength: v.optional(positive),
  overwrite: v.optional(v.boolean()),
  cache: v.optional(
    v.union([
      v.literal(false),
      v.custom<object>((x) => typeof x === 'object' && x !== null, 'must be a cache'),
    ]),
  ),
  cacheFile: v.optional(v.union([v.string(), v.literal(false)])),
  cacheDir: v.optional(v.string()),
  concurrency: v.optional(positive),
  batch: v.optional(v.boolean()),
  maxImages: v.optional(count),
  maxCredits: v.optional(count),
  dryRun: v.optional(v.boolean()),
  failOnError: v.optional(v.boolean()),
  context: v.optional(v.boolean()),
  include: v.optional(filters),
  exclude: v.optional(filters),
  remoteImages: v.optional(v.picklist(['download', 'url', 'skip'])),
  allowHosts: v.optional(v.array(v.string())),
  fetchTimeoutMs: v.optional(positive),
  maxImageBytes: v.optional(positive),
  maxSide: v.optional(positive),
  markdown: v.optional(v.boolean()),
  html: v.optional(v.boolean()),
  summary: v.optional(v.boolean()),
  onError: v.optional(v.picklist(['fail', 'warn'])),
})

/** The message of a refused option: which key, and what is wrong with it. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const key = issue.path?.map((item) => String(item.key)).join('.') ?? ''
  if (issue.kind === 'schema' && issue.type === 'strict_object' && key)
    return `unknown option "${key}"`
  const received = issue.received === 'undefined' ? '' : ` (received ${issue.received})`
  return key ? `option "${key}": ${issue.message}${received}` : issue.message
}

/**
 * Checks `options` and returns them; throws one `Error` naming the first wrong key, e.g.
 * `@alttextapi/astro: option "maxCredits": Invalid type: Expected number but received "10"`.
 */
export function parseOptions(options: unknown): AltTextAstroOptions {
  const result = v.safeParse(OptionsSchema, options ?? {})
  if (result.success) return options as AltTextAstroOptions
  const issue = result.issues[0]
  throw new Error(`@alttextapi/astro: ${describeIssue(issue)}`)
}
