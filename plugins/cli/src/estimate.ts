/**
 * What `alttext fix` says about cost: problems of the committed alt-text.json before it spends
 * anything, the estimate (of a dry run, and before a real run spends) against the balance and
 * `--max-credits`, an unknown `--model` (refused before anything is sent), the one message of a
 * run that its budget stopped, and answers paid for that alt-text.json could not keep. Each
 * returns whether (or with which code) the run must exit non-zero.
 */
import { relative } from 'node:path'
import type { ModelList } from '@alttextapi/core'
import {
  BuildCache,
  budgetStop,
  estimateCost,
  formatEstimate,
  sanitizeForTerminal,
} from '@alttextapi/core/node'
import type { AltTextRun, Options } from '@alttextapi/rehype'

/** Where the lines go (a subset of a Node stream). */
interface Out {
  write(text: string): unknown
}

/** The committed file's name as printed: relative to the cwd. */
const fileName = (cache: BuildCache, cwd: string): string => {
  const path = cache.file?.path ?? ''
  return sanitizeForTerminal(relative(cwd, path) || path)
}

/** An error's code (`EISDIR`), else its message. */
const reasonOf = (error: unknown): string =>
  sanitizeForTerminal(
    (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error),
  )

/**
 * Warns about each problem of the committed file (with its line); they never stop the run. A
 * file that cannot be read at all (a folder, no permission) stops it before anything is spent,
 * since nothing paid for could be kept: resolves to false then (exit 1).
 */
export async function reportCacheProblems(
  run: AltTextRun,
  err: Out,
  cwd: string,
): Promise<boolean> {
  if (!(run.cache instanceof BuildCache)) return true
  let problems: string[]
  try {
    problems = await run.cache.problems()
  } catch (error) {
    err.write(
      `${fileName(run.cache, cwd)}: could not read: ${reasonOf(error)} — nothing was sent\n`,
    )
    return false
  }
  for (const problem of problems)
    err.write(
      `alttext: ${sanitizeForTerminal(problem)} — this file is ignored and left as it is: fix it, or its images are described (and charged) again\n`,
    )
  return true
}

/**
 * After the run: when a new answer could not be written into alt-text.json, one warning (the
 * answers are in the pages, but the next run pays for them again). Resolves to true then: the exit
 * must be 1, with or without --fail-on-error, since paid work was lost.
 */
export function reportUnkeptAnswers(run: AltTextRun, err: Out, cwd: string): boolean {
  if (!(run.cache instanceof BuildCache) || !run.cache.fileWriteError) return false
  err.write(unkeptAnswers(run.cache.file?.path ?? '', run.cache.fileWriteError, cwd))
  return true
}

/** The warning when new answers could not be written into the committed file at `path`. */
export function unkeptAnswers(path: string, error: unknown, cwd: string): string {
  const name = sanitizeForTerminal(relative(cwd, path) || path)
  return `${name}: could not write: ${reasonOf(error)} — the descriptions paid for in this run are not kept\n`
}

/**
 * The models of the API, asked once (undefined when the list cannot be read: the API then judges
 * the model), and a client that answers the estimate's `models()` with the same list.
 */
function askModels(run: AltTextRun) {
  const list = run.client.models().catch(() => undefined)
  const client = {
    ...run.client,
    models: async () => (await list) ?? Promise.reject(new Error('no model list')),
  }
  return { list, client }
}

/**
 * The one error of a `--model` the API does not list (`unknown model x; available: a, b`), or
 * undefined: without it every image would fail alone with `invalid_request`.
 */
function unknownModel(list: ModelList | undefined, model: string | undefined): string | undefined {
  if (model === undefined || !list || list.models.some((m) => m.id === model)) return undefined
  const ids = list.models.map((m) => sanitizeForTerminal(m.id)).join(', ')
  return `unknown model ${sanitizeForTerminal(model)}; available: ${ids}`
}

/** Exit code of a `--model` the API does not list: a bad flag value, a usage error. */
const UNKNOWN_MODEL_EXIT = 2

/**
 * After the pages: a dry run prints its estimate (images to describe, cached, credits needed
 * against the balance and the budget) and fails over the budget; a real run that its budget kept
 * from describing images fails with one message; an unknown `--model` is one error. Resolves to
 * the exit code (0: go on).
 */
export async function reportCost(
  run: AltTextRun,
  out: Out,
  err: Out,
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<number> {
  const summary = run.summary()
  if (run.dryRun) {
    // Cached as the summary line counts them (per image, page-cache hits included).
    const planned = { planned: summary.planned, cached: run.stats.cached }
    // The model list is asked only when there is something to price, as before.
    const models = planned.planned > 0 ? askModels(run) : undefined
    const unknown = unknownModel(await models?.list, options.model)
    if (unknown) {
      err.write(`alttext fix: ${unknown}\n`)
      return UNKNOWN_MODEL_EXIT
    }
    // Without a key the price list is still public; the balance is then left out.
    const estimate = await estimateCost(models?.client ?? run.client, {
      ...planned,
      model: options.model,
      maxCredits: options.maxCredits,
    })
    out.write(`alttext (dry run): estimate: ${formatEstimate(estimate)}\n`)
    if (!estimate.withinBudget) {
      err.write(
        `alttext fix: this run needs up to ${estimate.creditsNeeded} credits, over --max-credits ${options.maxCredits}\n`,
      )
      return 1
    }
    return 0
  }
  const stop = budgetStop(summary.skipped)
  if (stop)
    err.write(
      `alttext fix: ${stop.replace('maxCredits / --max-credits', '--max-credits / --max-images')}\n`,
    )
  return stop === undefined ? 0 : 1
}

/**
 * Before a real run spends anything: the same files filled through a dry run (answered from
 * alt-text.json and the cache folder, nothing sent, nothing written), then — when any image needs
 * describing — the estimate against the balance on stderr, and with `--max-credits` below it one
 * error and nothing sent; a `--model` the API's list does not have is one error (exit 2) and
 * nothing sent. Resolves to the exit code when the run must stop, else 0. A run with nothing to
 * describe prints nothing and asks the API nothing (a warm run stays at 0 requests).
 */
export async function estimateBeforeSpending(
  run: AltTextRun,
  files: readonly string[],
  fill: (path: string, dry: AltTextRun) => Promise<unknown>,
  io: { stderr: Out },
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<number> {
  const [{ createLimiter }, { createAltTextRun }] = await Promise.all([
    import('@alttextapi/core'),
    import('@alttextapi/rehype'),
  ])
  const dry = createAltTextRun({
    ...run.options,
    dryRun: true,
    progress: false,
    onProgress: undefined,
  })
  const limit = createLimiter(4)
  // A file that cannot be read here is reported by the run itself.
  await Promise.all(files.map((path) => limit(() => fill(path, dry).catch(() => undefined))))
  const summary = dry.summary()
  if (summary.planned === 0) return 0
  // One request for the list: the model check here, the price in the estimate.
  const models = askModels(run)
  const unknown = unknownModel(await models.list, options.model)
  if (unknown) {
    io.stderr.write(`alttext fix: ${unknown}\n`)
    return UNKNOWN_MODEL_EXIT
  }
  const estimate = await estimateCost(models.client, {
    planned: summary.planned,
    cached: dry.stats.cached,
    model: options.model,
    maxCredits: options.maxCredits,
  })
  // On stderr with the progress: stdout keeps the run's one summary line.
  io.stderr.write(`alttext: estimate: ${formatEstimate(estimate)}\n`)
  if (estimate.withinBudget) return 0
  io.stderr.write(
    `alttext fix: this run needs up to ${estimate.creditsNeeded} credits, over --max-credits ${options.maxCredits}: nothing was sent. Raise --max-credits, or describe fewer images with --max-images.\n`,
  )
  return 1
}

/**
 * The estimate of `alttext check --estimate`: a dry run over `files` (read as `fix` reads them,
 * answered from alt-text.json and the cache folder in `cwd`, nothing sent, nothing written), then
 * the price and the balance when a key is set. Resolves to the line to print.
 */
export async function estimateFiles(
  root: string,
  files: readonly string[],
  io: { cwd: string; env: Record<string, string | undefined> },
  resolveImage: Options['resolveImage'],
): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const { resolve } = await import('node:path')
  const { readConfig } = await import('@alttextapi/core')
  const { createAltTextRun, fillAltText } = await import('@alttextapi/rehype')
  const { decodePage } = await import('./encoding.js')
  const config = readConfig({}, io.env)
  const run = createAltTextRun({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    dryRun: true,
    publicDir: root,
    resolveImage,
    cacheDir: resolve(io.cwd, 'node_modules', '.cache', 'alttextapi'),
    cacheFile: resolve(io.cwd, 'alt-text.json'),
    failOnError: false,
  })
  for (const path of files) {
    const page = decodePage(await readFile(path).catch(() => Buffer.alloc(0)))
    if (page.ok) await fillAltText(page.text, { run, path })
  }
  const summary = run.summary()
  const planned = { planned: summary.planned, cached: run.stats.cached }
  // Without a key nothing is asked of the API: the price is taken as 1 credit an image.
  const estimate = config.apiKey
    ? await estimateCost(run.client, planned)
    : {
        ...planned,
        toDescribe: planned.planned,
        pricePerImage: 1,
        creditsNeeded: planned.planned,
        enough: true,
        withinBudget: true,
      }
  return `alttext: estimate: ${formatEstimate(estimate)}`
}
