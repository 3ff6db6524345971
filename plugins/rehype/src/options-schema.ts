/**
 * The check of a run's options with valibot (as core checks the wire), shared by every tool built
 * on this package: the rehype plugin, the remark plugin, the Vite plugin and the Astro
 * integration each check their options against these entries plus their own, so a typo
 * (`maxCredit`) or a wrong type (`concurrency: 'four'`) fails at once with one message naming the
 * option, instead of being ignored — a budget that is silently not applied spends credits — or
 * failing later with a stack trace.
 */
import * as v from 'valibot'
import type { RunOptions } from './options.js'

const count = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0))
const positive = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1))
const fn = v.custom<(...args: never[]) => unknown>(
  (x) => typeof x === 'function',
  'must be a function',
)
const object = (what: string) =>
  v.custom<object>((x) => typeof x === 'object' && x !== null, `must be ${what}`)
const filter = v.union([v.string(), v.instance(RegExp), fn])

/** An image filter, or a list of them (`include`, `exclude`). */
export const filters = v.union([filter, v.array(filter)])

/**
 * The schema of every option of a run (`RunOptions`), by key. Typed against `RunOptions`: an
 * option added there without an entry here fails the type check.
 */
export const RUN_OPTION_ENTRIES = {
  // An empty string is taken as unset, as the tools do: a CI job without the secret (a fork's pull
  // request gets `''`) goes on without a key instead of failing on its config.
  apiKey: v.optional(v.string()),
  baseUrl: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.url('must be a URL'))])),
  client: v.optional(object('a client from @alttextapi/core')),
  language: v.optional(v.string()),
  publicDir: v.optional(v.string()),
  root: v.optional(v.string()),
  basePath: v.optional(v.string()),
  overwrite: v.optional(v.boolean()),
  describeDecorative: v.optional(v.boolean()),
  cache: v.optional(v.union([v.literal(false), object('a cache')])),
  cacheFile: v.optional(v.union([v.string(), v.literal(false)])),
  cacheByContext: v.optional(v.boolean()),
  progress: v.optional(
    v.union([
      v.boolean(),
      v.strictObject({
        stream: v.optional(object('a stream')),
        delayMs: v.optional(count),
        intervalMs: v.optional(positive),
      }),
    ]),
  ),
  onProgress: v.optional(fn),
  pageCache: v.optional(v.boolean()),
  cacheDir: v.optional(v.string()),
  concurrency: v.optional(positive),
  batch: v.optional(v.boolean()),
  maxImages: v.optional(count),
  maxCredits: v.optional(count),
  dryRun: v.optional(v.boolean()),
  failOnError: v.optional(v.boolean()),
  // Its own keys are checked where it is read (core's lint configuration, LintConfigError).
  lint: v.optional(v.union([v.boolean(), object('true, false or a lint configuration')])),
  applyDecorative: v.optional(v.boolean()),
  long: v.optional(v.boolean()),
  markOrigin: v.optional(v.boolean()),
  model: v.optional(v.string()),
  maxLength: v.optional(positive),
  context: v.optional(v.union([v.boolean(), fn])),
  include: v.optional(filters),
  exclude: v.optional(filters),
  remoteImages: v.optional(v.picklist(['download', 'url', 'skip'])),
  fetchTimeoutMs: v.optional(positive),
  maxImageBytes: v.optional(positive),
  maxSide: v.optional(positive),
  resolveImage: v.optional(fn),
  allowHosts: v.optional(v.array(v.string())),
  fetch: v.optional(fn),
} satisfies { [K in keyof Required<RunOptions>]: v.GenericSchema }

/** A shared run (`createAltTextRun`), for the `run` option of the plugins. */
export const RUN_ENTRY = v.optional(object('a run from createAltTextRun'))

type Found = { issue: v.BaseIssue<unknown>; path: string[] }

/**
 * The most telling issue and its path: for a value that matched no branch of a union, the branch
 * issue that got furthest into the value (`progress.delayMs`, not "progress: Expected boolean |
 * Object"). A branch's issues have paths relative to the union's value.
 */
function deepest(issue: v.BaseIssue<unknown>, base: string[] = []): Found {
  const path = [...base, ...(issue.path?.map((item) => String(item.key)) ?? [])]
  let best: Found = { issue, path }
  for (const inner of issue.issues ?? []) {
    const found = deepest(inner, path)
    if (found.path.length > best.path.length) best = found
  }
  return best
}

/** The message of a refused option: which key, and what is wrong with it. */
function describeIssue(top: v.BaseIssue<unknown>): string {
  const { issue, path } = deepest(top)
  const key = path.join('.')
  if (issue.kind === 'schema' && issue.type === 'strict_object' && key)
    return `unknown option "${key}"`
  // valibot's type messages say what they received already; a length check's `received` is the
  // length, not the value.
  const received =
    issue.received === 'undefined' ||
    issue.message.includes('received') ||
    issue.type.endsWith('length') ||
    issue.type === 'non_empty'
      ? ''
      : ` (received ${issue.received})`
  return key ? `option "${key}": ${issue.message}${received}` : issue.message
}

/**
 * Checks `options` against `entries` (unknown keys refused) and returns them as they are; throws
 * one `Error` naming the first wrong key and the package, e.g.
 * `@alttextapi/vite-plugin: unknown option "maxCredit"`.
 */
export function checkOptions<T>(name: string, entries: v.ObjectEntries, options: unknown): T {
  const result = v.safeParse(v.strictObject(entries), options ?? {})
  if (result.success) return (options ?? {}) as T
  throw new Error(`${name}: ${describeIssue(result.issues[0])}`)
}
