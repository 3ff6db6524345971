/**
 * The flags every describing command takes (`fix <dir>`, `fix --source`), read one way: their
 * `parseArgs` spec, their checks and the run options they give.
 */
import { resolve } from 'node:path'
import type { parseArgs } from 'node:util'
import { LIMITS, readConfig } from '@alttextapi/core'
import type { RunOptions } from '@alttextapi/rehype'

/** The shared flags, as `parseArgs` options. */
export const RUN_FLAGS = {
  lang: { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'max-credits': { type: 'string' },
  'max-images': { type: 'string' },
  'max-length': { type: 'string' },
  cache: { type: 'string' },
  'cache-file': { type: 'string' },
  'no-cache': { type: 'boolean' },
  model: { type: 'string' },
  remote: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'fail-on-error': { type: 'boolean' },
  'api-url': { type: 'string' },
} as const

/** The shared flags' values, as `parseArgs` gives them. */
export type RunFlagValues = ReturnType<typeof parseArgs<{ options: typeof RUN_FLAGS }>>['values']

/** A flag's value as a whole number ≥ 0, or undefined when not given; throws on anything else. */
export function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`)
  return n
}

/** Throws a usage error (the caller prints it with the help) for a bad value of a shared flag. */
export function checkRunFlags(values: RunFlagValues): void {
  if (values.remote !== undefined && !['download', 'url', 'skip'].includes(values.remote))
    throw new Error('--remote must be download, url or skip')
  if (values.concurrency !== undefined && !(Number(values.concurrency) >= 1))
    throw new Error('--concurrency must be at least 1')
  // The contract's range: outside it the API refuses every image (invalid_request) one by one.
  const maxLength = values['max-length']
  if (maxLength !== undefined) {
    const n = Number(maxLength)
    if (!Number.isInteger(n) || n < LIMITS.minMaxLength || n > LIMITS.maxMaxLength)
      throw new Error(
        `--max-length must be a whole number from ${LIMITS.minMaxLength} to ${LIMITS.maxMaxLength}`,
      )
  }
}

/** The run options the shared flags set (the same in rehype's and remark's options). */
export type SharedRunOptions = Pick<
  RunOptions,
  | 'apiKey'
  | 'baseUrl'
  | 'language'
  | 'concurrency'
  | 'maxCredits'
  | 'maxImages'
  | 'maxLength'
  | 'model'
  | 'dryRun'
  | 'remoteImages'
  | 'allowHosts'
  | 'cache'
  | 'cacheDir'
  | 'cacheFile'
  | 'failOnError'
>

/** Thrown when a run that would call the API has no key: the command exits 2 with this alone. */
export class NoApiKeyError extends Error {
  constructor() {
    super('no API key: set ALTTEXT_API_KEY (or use --dry-run)')
  }
}

/**
 * The run options the shared flags give, with the key and API address from the environment: the
 * committed cache (`alt-text.json`) and the cache folder relative to `cwd` (the project), and
 * `failOnError: false`, since a command reports a fatal answer once itself rather than as a
 * failed file per page. Throws `NoApiKeyError` when there is no key and this is no dry run.
 */
export function runOptions(
  values: RunFlagValues,
  cwd: string,
  env: Record<string, string | undefined>,
): SharedRunOptions {
  const config = readConfig({ baseUrl: values['api-url'] }, env)
  if (!config.apiKey && !values['dry-run']) throw new NoApiKeyError()
  return {
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    language: values.lang,
    concurrency: wholeNumber(values.concurrency, 'concurrency'),
    maxCredits: wholeNumber(values['max-credits'], 'max-credits'),
    maxImages: wholeNumber(values['max-images'], 'max-images'),
    maxLength: wholeNumber(values['max-length'], 'max-length'),
    model: values.model,
    dryRun: values['dry-run'],
    remoteImages: values.remote as RunOptions['remoteImages'],
    allowHosts: values['allow-host'],
    cache: values['no-cache'] ? false : undefined,
    cacheDir: values.cache
      ? resolve(cwd, values.cache)
      : resolve(cwd, 'node_modules', '.cache', 'alttextapi'),
    // The committed cache at the project root (the cwd): commit it, CI then pays nothing.
    cacheFile: resolve(cwd, values['cache-file'] ?? 'alt-text.json'),
    failOnError: false,
  }
}
