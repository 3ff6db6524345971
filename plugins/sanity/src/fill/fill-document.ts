/**
 * "Generate missing alt text" for one document, without React: find every image lacking alt,
 * describe each distinct asset once (limited concurrency), then write all texts in ONE
 * transaction of `setIfMissing` patches guarded by the document's revision. An editor's text is
 * never overwritten: `setIfMissing` keeps any alt written meanwhile, and on a revision conflict
 * the document is read again and only images that still lack alt (with the same asset) are kept.
 */
import { createLimiter } from '@alttextapi/core'
import type { SanityClient, SanityDocument } from '@sanity/client'
import { documentParts, imageContext, resolveLanguage } from '../describe/context.js'
import type { Describer } from '../describe/describer.js'
import { errorCode, errorMessage, isFatal, isRevisionConflict } from '../describe/errors.js'
import { type FoundImage, findImagesMissingAlt } from '../walk/find-images.js'
import { getAtPath, isRecord } from '../walk/path.js'
import type { SchemaNode } from '../walk/schema.js'

/** Progress of a fill: images described so far out of the images lacking alt. */
export interface FillProgress {
  phase: 'describing' | 'saving' | 'done'
  done: number
  total: number
  failed: number
}

/** An image that got no alt text, and why. */
export interface FillFailure {
  path: string
  assetRef: string
  code: string
  message: string
}

/** What a fill did. */
export interface FillSummary {
  /** Images lacking alt when the run started. */
  missing: number
  /** Alt texts written in the transaction. */
  written: number
  failed: FillFailure[]
  /** Images that got alt from someone else, or changed, while the run was describing. */
  skipped: number
  creditsUsed: number
  /** Balance after the last call (undefined when no call succeeded). */
  creditsRemaining: number | undefined
  /** The id of the committed transaction (undefined when nothing was written). */
  transactionId: string | undefined
}

/** Options of `fillDocumentAlt`. */
export interface FillDocumentOptions {
  /** An authenticated client (the Studio's `useClient`). */
  client: SanityClient
  /** The document's id, published or draft. */
  documentId: string
  describe: Describer
  /** Name of the alt subfield. Default `alt`. */
  altField?: string
  /** The document's schema type (makes the walk exact; heuristics without it). */
  schemaType?: SchemaNode & { liveEdit?: boolean | undefined }
  /** Configured language, used when the document has no language field. */
  language?: string | undefined
  /** Document field(s) holding its language. Default `['language', '__i18n_lang']`. */
  languageField?: string | string[] | false
  /** Parallel API calls. Default 4. */
  concurrency?: number
  /** Commits tried when the document keeps changing under the run. Default 3. */
  maxCommitAttempts?: number
  onProgress?: (progress: FillProgress) => void
  signal?: AbortSignal
}

const DRAFTS_PREFIX = 'drafts.'
const publishedIdOf = (id: string) =>
  id.startsWith(DRAFTS_PREFIX) ? id.slice(DRAFTS_PREFIX.length) : id

/** The document an editor sees: the draft when there is one, else the published version. */
async function loadEditable(
  client: SanityClient,
  documentId: string,
): Promise<SanityDocument | undefined> {
  const publishedId = publishedIdOf(documentId)
  const [draft, published] = await client.getDocuments([DRAFTS_PREFIX + publishedId, publishedId])
  return draft ?? published ?? undefined
}

/** Fills every missing alt text of a document. Rejects only for fatal errors (no key, no credits). */
export async function fillDocumentAlt(options: FillDocumentOptions): Promise<FillSummary> {
  const altField = options.altField ?? 'alt'
  const walk = { altField, schemaType: options.schemaType }
  const liveEdit = options.schemaType?.liveEdit === true
  const summary: FillSummary = {
    missing: 0,
    written: 0,
    failed: [],
    skipped: 0,
    creditsUsed: 0,
    creditsRemaining: undefined,
    transactionId: undefined,
  }
  let doc = await loadEditable(options.client, options.documentId)
  if (!doc) throw new Error(`Document ${options.documentId} was not found`)
  const images = findImagesMissingAlt(doc, walk)
  summary.missing = images.length
  const report = (phase: FillProgress['phase'], done: number) =>
    options.onProgress?.({ phase, done, total: images.length, failed: summary.failed.length })
  if (images.length === 0) {
    report('done', 0)
    return summary
  }

  // Describe each distinct asset once: the same photo twice in a page costs one call.
  const language = resolveLanguage(doc, options)
  const docContext = documentParts(doc)
  const byAsset = new Map<string, FoundImage[]>()
  for (const image of images)
    byAsset.set(image.assetRef, [...(byAsset.get(image.assetRef) ?? []), image])
  const texts = new Map<string, string>()
  const limit = createLimiter(options.concurrency ?? 4)
  const abort = new AbortController()
  const stop = () => abort.abort()
  options.signal?.addEventListener('abort', stop, { once: true })
  let fatal: unknown
  let done = 0
  report('describing', 0)
  try {
    await Promise.all(
      [...byAsset].map(([assetRef, uses]) =>
        limit(async () => {
          if (abort.signal.aborted) return
          const first = uses[0] as FoundImage
          try {
            const answer = await options.describe({
              assetRef,
              language,
              context: imageContext(first.caption, docContext),
              signal: abort.signal,
            })
            // "" would apply a decorative suggestion silently: a decorative answer without text
            // fails instead (the field button shows it as a suggestion).
            if (!answer.altText.trim())
              throw new Error(
                "The API suggests the image is decorative and gave no text: use the field's button to mark it.",
              )
            texts.set(assetRef, answer.altText)
            summary.creditsUsed += answer.creditsUsed
            summary.creditsRemaining = answer.creditsRemaining
          } catch (error) {
            if (isFatal(error)) {
              fatal ??= error
              abort.abort()
              return
            }
            for (const use of uses)
              summary.failed.push({
                path: use.altPathString,
                assetRef,
                code: errorCode(error),
                message: errorMessage(error),
              })
          }
          done += uses.length
          report('describing', done)
        }),
      ),
    )
  } finally {
    options.signal?.removeEventListener('abort', stop)
  }

  // Texts already paid for are still saved when the run stopped early.
  if (texts.size > 0) {
    report('saving', done)
    await commit(options, doc, images, texts, liveEdit, summary)
  }
  report('done', done)
  if (fatal) throw Object.assign(fatal as Error, { summary })
  return summary

  async function commit(
    o: FillDocumentOptions,
    start: SanityDocument,
    found: FoundImage[],
    alts: Map<string, string>,
    live: boolean,
    out: FillSummary,
  ) {
    const attempts = o.maxCommitAttempts ?? 3
    let current: SanityDocument | undefined = start
    for (let attempt = 1; current; attempt++) {
      const patches: Record<string, string> = {}
      // `setIfMissing` leaves a null in place: those paths are `set`, under the same guard.
      const nulls: Record<string, string> = {}
      let stale = 0
      for (const image of found) {
        const text = alts.get(image.assetRef)
        if (text === undefined) continue
        const state = stillMissing(current, image, altField)
        if (state === 'null') nulls[image.altPathString] = text
        else if (state) patches[image.altPathString] = text
        else stale++
      }
      const count = Object.keys(patches).length + Object.keys(nulls).length
      if (count === 0) {
        out.skipped = stale
        return
      }
      try {
        out.transactionId = await write(o.client, current, patches, nulls, live)
        out.written = count
        out.skipped = stale
        return
      } catch (error) {
        if (!isRevisionConflict(error) || attempt >= attempts) throw error
        current = await loadEditable(o.client, o.documentId)
        doc = current ?? doc
      }
    }
  }
}

/** The image at `image.path` still shows the same asset and still lacks alt (`'null'`: as null). */
function stillMissing(doc: SanityDocument, image: FoundImage, altField: string): boolean | 'null' {
  const value = getAtPath(doc, image.path)
  if (!isRecord(value) || !isRecord(value.asset) || value.asset._ref !== image.assetRef)
    return false
  if (value[altField] === null) return 'null'
  return value[altField] === undefined
}

/**
 * One transaction. A draft (or a live-edit document) is patched under `ifRevisionID`; a document
 * with no draft gets its draft created from the published version first, as the Studio does on
 * the first edit, so publishing stays the editor's decision.
 */
async function write(
  client: SanityClient,
  doc: SanityDocument,
  patches: Record<string, string>,
  nulls: Record<string, string>,
  liveEdit: boolean,
): Promise<string> {
  const tx = client.transaction()
  // `nulls` are only `set` where the guarded revision (or the draft created here) holds null.
  const ops = (patch: ReturnType<SanityClient['patch']>) => {
    if (Object.keys(patches).length) patch.setIfMissing(patches)
    if (Object.keys(nulls).length) patch.set(nulls)
    return patch
  }
  if (doc._id.startsWith(DRAFTS_PREFIX) || liveEdit) {
    tx.patch(ops(client.patch(doc._id).ifRevisionId(doc._rev)))
  } else {
    const draftId = DRAFTS_PREFIX + doc._id
    const { _rev, _updatedAt, _createdAt, ...content } = doc
    // `create`, not `createIfNotExists`: a draft an editor started meanwhile fails the
    // transaction (409), so the retry reads that draft and checks every image against it.
    tx.create({ ...content, _id: draftId, _type: doc._type })
    tx.patch(ops(client.patch(draftId)))
  }
  const result = await tx.commit({ visibility: 'sync' })
  return result.transactionId
}
