/**
 * The check of the remark plugin's and `fillMarkdownSource`'s options: the run's options as
 * `@alttextapi/rehype` checks them, less those that only apply to HTML pages, plus `run` (and, for
 * `fillMarkdownSource`, its own). A typo or a wrong type fails with one message naming the option.
 */
import { checkOptions, RUN_ENTRY, RUN_OPTION_ENTRIES } from '@alttextapi/rehype'
import * as v from 'valibot'
import type { Options } from './options.js'

const {
  describeDecorative: _describeDecorative,
  pageCache: _pageCache,
  basePath: _basePath,
  ...shared
} = RUN_OPTION_ENTRIES

/** The entries of `Options`, by key. */
const OPTION_ENTRIES = { ...shared, run: RUN_ENTRY }

const fn = v.custom<(...args: never[]) => unknown>(
  (x) => typeof x === 'function',
  'must be a function',
)

/** The entries of `SourceOptions`, by key. */
const SOURCE_ENTRIES = {
  ...OPTION_ENTRIES,
  path: v.optional(v.string()),
  mdx: v.optional(v.boolean()),
  tree: v.optional(v.custom<object>((x) => typeof x === 'object' && x !== null, 'must be a tree')),
  regenerate: v.optional(fn),
}

/** Checks the remark plugin's options; throws one error naming the first wrong option. */
export const checkMarkdownOptions = (options: unknown): Options =>
  checkOptions<Options>('@alttextapi/remark', OPTION_ENTRIES, options)

/** Checks `fillMarkdownSource`'s options; throws one error naming the first wrong option. */
export const checkSourceOptions = <T>(options: T): T =>
  checkOptions<T>('@alttextapi/remark', SOURCE_ENTRIES, options)
