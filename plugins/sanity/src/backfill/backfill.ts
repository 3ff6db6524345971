/**
 * The asset-library backfill: fills `altText` of every `sanity.imageAsset` lacking it (with
 * `regenerate`, also unreviewed machine text), page by page, with limited concurrency, one
 * transaction per page, the machine's provenance beside each text. Resumable by design: progress
 * is derived from the lake (a new run queries the assets still lacking alt text), and each asset
 * is described under a stable Idempotency-Key (its id holds the image's hash), so an asset paid
 * for by a killed run is answered by the API's replay, not charged again. Runs in the Studio tool
 * and in the CLI alike.
 */
import { createLimiter, sha256Hex } from '@alttextapi/core'
import type { SanityClient } from '@sanity/client'
import type { Describer } from '../describe/describer.js'
import {
  BudgetReachedError,
  errorCode,
  errorMessage,
  isFatal,
  isRevisionConflict,
} from '../describe/errors.js'
import { machineProvenance, PROVENANCE_FIELD } from '../provenance/provenance.js'
import { assetContext, assetLanguage } from './asset-context.js'
import { type BackfillControl, createBackfillControl } from './control.js'
import { type AssetRow, countQuery, pageQuery } from './query.js'

/** What happened to one asset. */
export interface AssetOutcome {
  assetId: string
  status: 'described' | 'failed' | 'skipped' | 'planned'
  altText?: string
  /** The model suggests the image is decorative: shown in the review tool, never applied here. */
  decorative?: boolean
  error?: { code: string; message: string }
}

/** Running totals, reported after every asset. */
export interface BackfillProgress {
  /** Assets lacking alt text when the run started. */
  total: number
  processed: number
  written: number
  failed: number
  skipped: number
  creditsUsed: number
  creditsRemaining: number | undefined
}

/** Why the run ended. */
export type BackfillEnd = 'done' | 'limit' | 'budget' | 'stopped' | 'fatal'

/** What a run did. */
export interface BackfillSummary extends BackfillProgress {
  end: BackfillEnd
  /** Failed assets (first 100). */
  errors: Array<{ assetId: string; code: string; message: string }>
  /** The error that ended the run (bad key, no credits). */
  fatal?: { code: string; message: string }
}

/** Options of `backfillAssets`. */
export interface BackfillOptions {
  /** A client with a token that may write the dataset. */
  client: SanityClient
  describe: Describer
  /** Assets per page and per transaction. Default 25. */
  batchSize?: number
  /** Parallel API calls. Default 4. */
  concurrency?: number
  /** Most assets to process in this run. Default: all. */
  limit?: number
  /** List what would be described; no API call, no write. */
  dryRun?: boolean
  /** Language for every asset; default the language of a document using it, else the API's. */
  language?: string | undefined
  /** Model id, part of each asset's Idempotency-Key (the describer sends it). */
  model?: string | undefined
  /**
   * Also describe again assets whose text is the machine's and still unreviewed (fresh, charged).
   * Human and edited text are never replaced. Default false.
   */
  regenerate?: boolean
  /**
   * Ask for long descriptions (charts, diagrams, screenshots of text; extra credits) and store
   * them in this field of the asset when it is empty (e.g. `description`, the asset's own field
   * the media library shows). Default: none asked, none stored.
   */
  longDescriptionField?: string | undefined
  control?: BackfillControl
  onProgress?: (progress: BackfillProgress) => void
  onAsset?: (outcome: AssetOutcome) => void
}

const MAX_ERRORS = 100

/** Runs the backfill to the end, the limit, a stop or a fatal error. Never throws for one asset. */
export async function backfillAssets(options: BackfillOptions): Promise<BackfillSummary> {
  const control = options.control ?? createBackfillControl()
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 25, 100))
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const run = createLimiter(Math.max(1, options.concurrency ?? 4))
  // A function, not a narrowed property read: the state changes while the run awaits.
  const stopped = () => control.state === 'stopped'
  const regenerate = options.regenerate === true
  const long = Boolean(options.longDescriptionField)
  const total = await options.client.fetch<number>(countQuery(regenerate))
  const { projectId, dataset } = options.client.config()
  /**
   * Stable across runs: the asset id holds the SHA-1 of the image's bytes, so the same image asks
   * with the same key. The API refuses a key replayed with another body, so what else goes into
   * the request is in the key too: the language, the model and a hash of the context (a page
   * title changed between runs makes a new key — the API's reuse of the image still answers it
   * without a charge). A regeneration adds the revision it replaces (a new key per state).
   */
  const keyOf = async (row: AssetRow, language: string | undefined, context: string | undefined) =>
    [
      'alttext-sanity',
      `${projectId}/${dataset}`,
      row._id,
      language ?? 'default',
      options.model ?? 'default',
      (await sha256Hex(new TextEncoder().encode(context ?? ''))).slice(0, 16),
      ...(regenerate && row.altText ? ['regen', row._rev] : []),
      ...(long ? ['long'] : []),
    ].join(':')
  const summary: BackfillSummary = {
    total,
    processed: 0,
    written: 0,
    failed: 0,
    skipped: 0,
    creditsUsed: 0,
    creditsRemaining: undefined,
    end: 'done',
    errors: [],
  }
  const progress = () => {
    const { end: _end, errors: _errors, fatal: _fatal, ...counts } = summary
    options.onProgress?.(counts)
  }
  const outcome = (o: AssetOutcome) => {
    if (o.status === 'failed') {
      summary.failed++
      if (summary.errors.length < MAX_ERRORS && o.error)
        summary.errors.push({ assetId: o.assetId, ...o.error })
    }
    if (o.status === 'skipped') summary.skipped++
    options.onAsset?.(o)
  }

  let after = ''
  let writeChecked = false
  for (;;) {
    await control.waitWhilePaused()
    if (stopped()) {
      summary.end = 'stopped'
      break
    }
    const size = Math.min(batchSize, limit - summary.processed)
    if (size <= 0) {
      summary.end = 'limit'
      break
    }
    const rows = await options.client.fetch<AssetRow[]>(pageQuery(regenerate), { after, size })
    if (rows.length === 0) break
    after = (rows[rows.length - 1] as AssetRow)._id

    if (options.dryRun) {
      for (const row of rows) {
        summary.processed++
        outcome({ assetId: row._id, status: 'planned' })
        progress()
      }
      continue
    }

    // Before the first image is paid for: may this token write these assets at all?
    if (!writeChecked) {
      writeChecked = true
      const refused = await checkWriteAccess(options.client, rows)
      if (refused) {
        summary.fatal = refused
        summary.end = 'fatal'
        break
      }
    }

    const described = new Map<string, Written>()
    await Promise.all(
      rows.map((row) =>
        run(async () => {
          await control.waitWhilePaused()
          if (stopped() || summary.fatal || summary.end === 'budget') return
          try {
            const language = assetLanguage(row, options.language)
            const context = assetContext(row)
            const answer = await options.describe({
              assetRef: row._id,
              context,
              language,
              idempotencyKey: await keyOf(row, language, context),
              fresh: regenerate && typeof row.altText === 'string',
              long: long || undefined,
              signal: control.signal,
            })
            // A decorative suggestion with no text cannot wait in the review queue as text, and
            // "" would apply it silently: reported, nothing written.
            if (!answer.altText.trim())
              throw new Error(
                'The API suggests the image is decorative and gave no text: mark it decorative by hand (alt "").',
              )
            described.set(row._id, {
              rev: row._rev,
              altText: answer.altText,
              provenance: machineProvenance(answer),
              long:
                options.longDescriptionField && answer.longDescription
                  ? { [options.longDescriptionField]: answer.longDescription }
                  : undefined,
            })
            summary.creditsUsed += answer.creditsUsed
            summary.creditsRemaining = answer.creditsRemaining
          } catch (error) {
            if (stopped()) return
            if (error instanceof BudgetReachedError) {
              summary.end = 'budget'
              return
            }
            if (isFatal(error)) {
              summary.fatal ??= { code: errorCode(error), message: errorMessage(error) }
              return
            }
            summary.processed++
            outcome({
              assetId: row._id,
              status: 'failed',
              error: { code: errorCode(error), message: errorMessage(error) },
            })
            progress()
          }
        }),
      ),
    )

    // What was paid for is saved even when the run is stopping.
    if (described.size > 0) await save(options.client, described, summary, outcome)
    progress()
    if (summary.fatal) {
      summary.end = 'fatal'
      break
    }
    if (summary.end === 'budget') break
    if (stopped()) {
      summary.end = 'stopped'
      break
    }
  }
  return summary
}

/** A text to write, with the revision the page query saw and the machine's provenance. */
interface Written {
  rev: string
  altText: string
  provenance: ReturnType<typeof machineProvenance>
  /** The long description under its field, written only where that field is empty. */
  long?: Record<string, string> | undefined
}

/**
 * Sanity's 401/403 to a write, as the run's fatal error (the token cannot write: every later save
 * would be refused too, after its images were paid for); undefined for any other error.
 */
function writeRefused(error: unknown): BackfillSummary['fatal'] {
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  if (status !== 401 && status !== 403) return undefined
  return {
    code: status === 401 ? 'sanity_unauthorized' : 'sanity_forbidden',
    message:
      `Sanity refused to save (${status}: ${errorMessage(error)}). The token needs write access ` +
      "to the dataset: an Editor's token, or an API token with write permission.",
  }
}

/**
 * Checks with a dry run (`dryRun`: Sanity checks permission and applies nothing) that the client
 * may patch the first page's assets, before any image is described. The patch would change
 * nothing even if applied (it unsets a field that does not exist). Only a 401/403 is fatal; any
 * other answer is left to the real saves.
 */
async function checkWriteAccess(
  client: SanityClient,
  rows: AssetRow[],
): Promise<BackfillSummary['fatal']> {
  const tx = client.transaction()
  for (const row of rows) tx.patch(client.patch(row._id).unset([WRITE_CHECK_FIELD]))
  try {
    await tx.commit({ dryRun: true, visibility: 'async', returnDocuments: false })
    return undefined
  } catch (error) {
    return writeRefused(error)
  }
}

/** A field the backfill never writes: the write check unsets it (a no-op). */
const WRITE_CHECK_FIELD = 'altTextWriteCheck'

/**
 * One transaction for the page; on a revision conflict, one per asset so only the changed lose.
 * A 401/403 sets the run's fatal error (the texts are not saved; a rerun with a token that may
 * write gets them replayed under the same Idempotency-Keys, without a second charge).
 */
async function save(
  client: SanityClient,
  described: Map<string, Written>,
  summary: BackfillSummary,
  outcome: (o: AssetOutcome) => void,
) {
  const entries = [...described]
  const transaction = (items: typeof entries) => {
    const tx = client.transaction()
    // `set`, not `setIfMissing` (which keeps a null): the revision is the one the page query saw
    // lacking altText (or with unreviewed machine text), so any change since — a person's text
    // included — fails the guard.
    for (const [id, { rev, altText, provenance, long }] of items) {
      const patch = client
        .patch(id)
        .ifRevisionId(rev)
        .set({ altText, [PROVENANCE_FIELD]: provenance })
      // A description someone wrote is kept.
      tx.patch(long ? patch.setIfMissing(long) : patch)
    }
    return tx.commit({ visibility: 'async' })
  }
  const done = (id: string, { altText, provenance }: Written) => {
    summary.processed++
    summary.written++
    outcome({
      assetId: id,
      status: 'described',
      altText,
      ...(provenance.decorative ? { decorative: true } : {}),
    })
  }
  try {
    await transaction(entries)
    for (const [id, written] of entries) done(id, written)
    return
  } catch (error) {
    const refused = writeRefused(error)
    if (refused) {
      summary.fatal ??= refused
      return
    }
    if (!isRevisionConflict(error)) {
      for (const [id] of entries) {
        summary.processed++
        outcome({
          assetId: id,
          status: 'failed',
          error: { code: 'sanity_error', message: errorMessage(error) },
        })
      }
      return
    }
  }
  for (const entry of entries) {
    const [id, written] = entry
    try {
      await transaction([entry])
      done(id, written)
    } catch (error) {
      const refused = writeRefused(error)
      if (refused) {
        summary.fatal ??= refused
        return
      }
      summary.processed++
      if (isRevisionConflict(error)) outcome({ assetId: id, status: 'skipped' })
      else
        outcome({
          assetId: id,
          status: 'failed',
          error: { code: 'sanity_error', message: errorMessage(error) },
        })
    }
  }
}
