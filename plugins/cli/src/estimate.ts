/**
 * What `alttext fix` says about cost: problems of the committed alt-text.json before it spends
 * anything, the estimate (of a dry run, and before a real run spends) against the balance and
 * `--max-credits`, and the one message of a run that its budget stopped. Each returns whether the
 * run must exit non-zero.
 */
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

/** Warns about each problem of the committed file (with its line); they never stop the run. */
export async function reportCacheProblems(run: AltTextRun, err: Out): Promise<void> {
  if (!(run.cache instanceof BuildCache)) return
  for (const problem of await run.cache.problems())
    err.write(
      `alttext: ${sanitizeForTerminal(problem)} — this file is ignored and left as it is: fix it, or its images are described (and charged) again\n`,
    )
}

/**
 * After the pages: a dry run prints its estimate (images to describe, cached, credits needed
 * against the balance and the budget) and fails over the budget; a real run that its budget kept
 * from describing images fails with one message. Resolves to true when the exit must be 1.
 */
export async function reportCost(
  run: AltTextRun,
  out: Out,
  err: Out,
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<boolean> {
  const summary = run.summary()
  if (run.dryRun) {
    // Cached as the summary line counts them (per image, page-cache hits included).
    const planned = { planned: summary.planned, cached: run.stats.cached }
    // Without a key the price list is still public; the balance is then left out.
    const estimate = await estimateCost(run.client, {
      ...planned,
      model: options.model,
      maxCredits: options.maxCredits,
    })
    out.write(`alttext (dry run): estimate: ${formatEstimate(estimate)}\n`)
    if (!estimate.withinBudget) {
      err.write(
        `alttext fix: this run needs up to ${estimate.creditsNeeded} credits, over --max-credits ${options.maxCredits}\n`,
      )
      return true
    }
    return false
  }
  const stop = budgetStop(summary.skipped)
  if (stop)
    err.write(
      `alttext fix: ${stop.replace('maxCredits / --max-credits', '--max-credits / --max-images')}\n`,
    )
  return stop !== undefined
}

/**
 * Before a real run spends anything: the same files filled through a dry run (answered from
 * alt-text.json and the cache folder, nothing sent, nothing written), then — when any image needs
 * describing — the estimate against the balance on stderr, and with `--max-credits` below it one
 * error and nothing sent. Resolves to true when the run must stop (exit 1). A run with nothing to
 * describe prints nothing and asks the API nothing (a warm run stays at 0 requests).
 */
export async function estimateBeforeSpending(
  run: AltTextRun,
  files: readonly string[],
  fill: (path: string, dry: AltTextRun) => Promise<unknown>,
  io: { stderr: Out },
  options: { model?: string | undefined; maxCredits?: number | undefined },
): Promise<boolean> {
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
  if (summary.planned === 0) return false
  const estimate = await estimateCost(run.client, {
    planned: summary.planned,
    cached: dry.stats.cached,
    model: options.model,
    maxCredits: options.maxCredits,
  })
  // On stderr with the progress: stdout keeps the run's one summary line.
  io.stderr.write(`alttext: estimate: ${formatEstimate(estimate)}\n`)
  if (estimate.withinBudget) return false
  io.stderr.write(
    `alttext fix: this run needs up to ${estimate.creditsNeeded} credits, over --max-credits ${options.maxCredits}: nothing was sent. Raise --max-credits, or describe fewer images with --max-images.\n`,
  )
  return true
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
