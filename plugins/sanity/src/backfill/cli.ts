/**
 * `alttext-sanity backfill`: the asset-library backfill from the command line, for libraries too
 * large for a browser tab. Node only (reads the environment, installs a SIGINT handler).
 */
import { parseArgs } from 'node:util'
import { createClient as createAltTextClient, isFatalError } from '@alttextapi/core'
import { resolveConfig } from '@alttextapi/core/node'
import { createClient as createSanityClient } from '@sanity/client'
import { createDescriber } from '../describe/describer.js'
import { backfillAssets } from './backfill.js'
import { createBackfillControl } from './control.js'
import { estimateBackfill } from './estimate.js'
import { countQuery } from './query.js'

/** Where the command writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout: (line: string) => void
  stderr: (line: string) => void
  env: Record<string, string | undefined>
  /** Install a SIGINT handler that stops the run gracefully. Default false. */
  handleSignals?: boolean
  /** For the AltText API and image downloads (default the global fetch). */
  fetch?: typeof fetch
}

/** The Sanity API version the backfill speaks. */
export const SANITY_API_VERSION = '2025-02-19'

/** Usage text of `alttext-sanity backfill`. */
export const SANITY_USAGE = `Usage: alttext-sanity backfill --project <id> --dataset <name> [options]

Fills the altText field of sanity.imageAsset documents that have none, with the machine's
provenance beside it (altTextProvenance). Text a person wrote or edited is never replaced.
It prints the estimate (assets, credits needed, balance) before it starts.
Run it again to resume after a stop or a kill: it picks up the assets that still lack alt text,
and each asset goes under a stable Idempotency-Key, so one already paid for is not charged again.
A fatal answer (bad key, no credits, 403, no model, the API unreachable, a Sanity token that may
not write) stops the run at once with one message, and the exit code is 1. The token's write
access is checked (a Sanity dry-run mutation) before the first image is sent.

Options:
  --project <id>         Sanity project id (or SANITY_PROJECT_ID)
  --dataset <name>       Dataset (or SANITY_DATASET)
  --token <token>        Sanity token with write access (or SANITY_TOKEN / SANITY_AUTH_TOKEN)
  --api-host <url>       Sanity API host (default https://api.sanity.io)
  --limit <n>            Describe at most n assets in this run
  --max-credits <n>      Spend at most n credits; the run stops before going over (exit 1)
  --regenerate           Also describe again machine text nobody has reviewed (fresh, charged)
  --dry-run              List the assets that would be described; no AltText API call (no key
                         needed, so no price or balance), no write
  --concurrency <n>      Parallel AltText API calls (default 4)
  --batch-size <n>       Assets per transaction (default 25)
  --lang <tag>           Language (BCP 47) for every asset (default: of a document using it)
  --long-description-field <name>
                         Ask for long descriptions (charts, diagrams, screenshots of text; extra
                         credits) and store them in this asset field when empty (e.g. description)
  --model <id>           AltText model id (default: the API's default)
  --upload               Send image bytes instead of the image URL (private datasets)
  --image-base-url <url> Image CDN (default https://cdn.sanity.io)
  --api-key <key>        AltText API key (or ALTTEXT_API_KEY)
  --api-url <url>        AltText API base URL (or ALTTEXT_API_URL)
  -h, --help             Show this help`

const positiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`)
  return n
}

class UsageError extends Error {}

/** Text from the API or Sanity without control characters: no escape sequence reaches the terminal. */
const printable = (text: string | undefined) => (text ?? '').replace(/\p{Cc}/gu, '')

/** The commands of the `alttext-sanity` executable. */
const BIN_USAGE = `Usage: alttext-sanity <command> [options]

Commands:
  backfill   Fill missing alt text of Sanity image assets (resumable)

Run alttext-sanity backfill --help for its options.`

/** Runs the `alttext-sanity` executable with `argv` (after node and the script). Exit code. */
export async function runSanityBin(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'backfill') return runSanityCli(rest, io)
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(BIN_USAGE)
    return 0
  }
  io.stderr(command ? `alttext-sanity: unknown command "${command}"\n\n${BIN_USAGE}` : BIN_USAGE)
  return 2
}

/** Runs `alttext-sanity backfill` with `argv` (the arguments after `backfill`). Exit code. */
export async function runSanityCli(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>
  try {
    values = parse(argv)
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${SANITY_USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(SANITY_USAGE)
    return 0
  }
  const projectId = values.project ?? io.env.SANITY_PROJECT_ID
  const dataset = values.dataset ?? io.env.SANITY_DATASET
  const token = values.token ?? io.env.SANITY_TOKEN ?? io.env.SANITY_AUTH_TOKEN
  let limit: number | undefined
  let concurrency: number | undefined
  let batchSize: number | undefined
  let maxCredits: number | undefined
  try {
    if (!projectId || !dataset) throw new UsageError('--project and --dataset are required')
    if (!token) throw new UsageError('A Sanity token is required: --token or SANITY_TOKEN')
    limit = positiveInt('limit', values.limit)
    concurrency = positiveInt('concurrency', values.concurrency)
    batchSize = positiveInt('batch-size', values['batch-size'])
    if (values['max-credits'] !== undefined) {
      maxCredits = Number(values['max-credits'])
      if (!Number.isInteger(maxCredits) || maxCredits < 0)
        throw new UsageError('--max-credits must be a whole number of credits (0 or more)')
    }
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${SANITY_USAGE}`)
    return 2
  }
  const config = resolveConfig({ apiKey: values['api-key'], baseUrl: values['api-url'] }, io.env)
  if (!config.apiKey && !values['dry-run']) {
    io.stderr('An AltText API key is required: --api-key or ALTTEXT_API_KEY')
    return 2
  }

  const client = createSanityClient({
    projectId,
    dataset,
    token,
    apiVersion: SANITY_API_VERSION,
    useCdn: false,
    ...(values['api-host'] ? { apiHost: values['api-host'], useProjectHostname: false } : {}),
  })
  const altClient = createAltTextClient({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    fetch: io.fetch,
    userAgent: 'alttextapi-sanity-cli',
  })
  const describe = createDescriber({
    client: altClient,
    projectId,
    dataset,
    imageBaseUrl: values['image-base-url'],
    delivery: values.upload ? 'upload' : 'url',
    model: values.model,
    fetch: io.fetch,
    concurrency,
    // Each asset goes alone under its own stable Idempotency-Key (a batch request has one key
    // for all its images, which a resumed run could not repeat): never charged twice.
    batch: false,
    budget: maxCredits === undefined ? undefined : { maxCredits },
  })
  const control = createBackfillControl()
  const onSigint = () => {
    if (control.state === 'stopped') {
      control.abort()
      process.exit(130)
    }
    io.stderr('Stopping after the images in flight (Ctrl+C again to quit at once)…')
    control.stop()
  }
  if (io.handleSignals) process.on('SIGINT', onSigint)

  let lastTotal = 0
  try {
    if (values['dry-run']) {
      // No AltText API call at all (the price list and the balance are the API's): Sanity only.
      const missing = await client.fetch<number>(countQuery(values.regenerate))
      io.stderr(
        `Estimate: ${missing} asset${missing === 1 ? '' : 's'} to describe ` +
          '(dry run: no AltText API call, so no price or balance).',
      )
    } else {
      const estimate = await estimateBackfill({
        client,
        altClient,
        model: values.model,
        regenerate: values.regenerate,
        long: Boolean(values['long-description-field']),
      })
      io.stderr(estimateLine(estimate, maxCredits))
      // A key the API refuses (401, 403…) stops here, before any image is sent.
      if (isFatalError(estimate.balanceError)) {
        io.stderr(`Stopped: ${printable((estimate.balanceError as Error).message)}`)
        return 1
      }
    }
    const summary = await backfillAssets({
      client,
      describe,
      control,
      limit,
      concurrency,
      batchSize,
      dryRun: values['dry-run'],
      language: values.lang,
      model: values.model,
      regenerate: values.regenerate,
      longDescriptionField: values['long-description-field'],
      onProgress: (p) => {
        lastTotal = p.total
      },
      onAsset: (o) => {
        const where = printable(o.assetId)
        if (o.status === 'planned') io.stdout(`would describe ${where}`)
        else if (o.status === 'described')
          io.stderr(
            `described ${where}: ${printable(o.altText)}${o.decorative ? ' (the model suggests decorative: see the review tool)' : ''}`,
          )
        else if (o.status === 'skipped') io.stderr(`skipped ${where} (changed meanwhile)`)
        else io.stderr(`failed ${where}: ${printable(o.error?.message)}`)
      },
    })
    const verb = values['dry-run'] ? 'would describe' : 'described'
    const count = values['dry-run'] ? summary.processed : summary.written
    io.stdout(
      `${count} ${verb}, ${summary.failed} failed, ${summary.skipped} skipped, ` +
        `${summary.creditsUsed} credits used` +
        (summary.creditsRemaining !== undefined ? `, ${summary.creditsRemaining} left` : '') +
        ` (${summary.total || lastTotal} assets lacked alt text; ended: ${summary.end})`,
    )
    if (summary.fatal) io.stderr(`Stopped: ${printable(summary.fatal.message)}`)
    if (summary.end === 'budget')
      io.stderr(
        `Stopped: the next asset would pass --max-credits ${maxCredits}; run again with a higher budget to go on.`,
      )
    return summary.fatal || summary.failed > 0 || summary.end === 'budget' ? 1 : 0
  } catch (error) {
    io.stderr(`alttext-sanity backfill failed: ${printable((error as Error).message)}`)
    return 1
  } finally {
    if (io.handleSignals) process.off('SIGINT', onSigint)
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      project: { type: 'string' },
      dataset: { type: 'string' },
      token: { type: 'string' },
      'api-host': { type: 'string' },
      limit: { type: 'string' },
      'max-credits': { type: 'string' },
      regenerate: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      lang: { type: 'string' },
      'long-description-field': { type: 'string' },
      model: { type: 'string' },
      upload: { type: 'boolean', default: false },
      'image-base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'api-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values
}

/** The estimate line printed before a run starts. */
function estimateLine(
  estimate: Awaited<ReturnType<typeof estimateBackfill>>,
  maxCredits: number | undefined,
): string {
  const { missing, estimatedCredits, creditsPerImage, model, balance } = estimate
  let line =
    `Estimate: ${missing} asset${missing === 1 ? '' : 's'} to describe, up to ${estimatedCredits} credits` +
    ` (${creditsPerImage} per image${model ? `, ${model}` : ''}; images the API already described are free)` +
    (balance !== undefined ? `; balance ${balance}` : '; balance unknown')
  if (maxCredits !== undefined) line += `; budget ${maxCredits}`
  if (balance !== undefined && balance < estimatedCredits)
    line += `. The balance may not cover it: the run stops when credits run out.`
  return `${line}.`.replace(/\.\.$/, '.')
}
