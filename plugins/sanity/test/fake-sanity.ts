/**
 * A fake of the Sanity HTTP API, as a real `node:http` server, for `@sanity/client` with
 * `apiHost`: GROQ queries (evaluated by groq-js), mutations and transactions (applied by
 * Sanity's own @sanity/mutator, with `ifRevisionID` checks and all-or-nothing commits), document
 * reads, image uploads, and the image CDN (`/images/<project>/<dataset>/<file>?w=…`).
 * Documents whose id contains a dot are private: requests without a token do not see them.
 * `GET /v…/projects/:id` answers token holders (the key proxy's membership check).
 * `readToken` belongs to a member who may read but not edit (mutations answer 403, like a Viewer
 * role); `?dryRun=true` checks a mutation (permission, revision) without applying it.
 * The Actions API (`/data/actions/…`, how the Studio saves edits: create, edit — which makes the
 * draft from the published document first —, publish, discard, delete, unpublish, replaceDraft)
 * is translated to the same mutations, applied as one transaction.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Mutation } from '@sanity/mutator'
import { evaluate, parse } from 'groq-js'

export type Doc = Record<string, unknown> & { _id: string; _type: string; _rev?: string }

export interface SeenRequest {
  method: string
  path: string
  search: URLSearchParams
  authorized: boolean
  body: unknown
}

export interface FakeSanity {
  /** `apiHost` for the client. */
  url: string
  token: string
  /** A token that may read everything but write nothing (mutations: 403). */
  readToken: string
  docs: Map<string, Doc>
  seen: SeenRequest[]
  /** Runs before each mutate request is applied (simulate a concurrent edit). */
  beforeMutate: ((body: { mutations: unknown[] }) => void | Promise<void>) | undefined
  /** The Actions API requests applied (the Studio's own saves), in order. */
  actions: Array<Record<string, unknown>>
  /** Makes the next `n` mutate requests fail with 500. */
  failMutations: number
  /** Inserts or replaces documents (gives them a revision). */
  put(...docs: Doc[]): void
  /** Edits a stored document outside any client (a concurrent editor): new revision. */
  edit(id: string, change: (doc: Doc) => void): void
  close(): Promise<void>
}

/** A 1×1 PNG, served for every image URL. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

const rev = () => randomBytes(8).toString('hex')
const isPrivate = (id: string) => id.replace(/^drafts\./, '').includes('.')

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

class MutationFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Starts the fake on a free port. */
export async function startFakeSanity(
  options: { projectId?: string; dataset?: string } = {},
): Promise<FakeSanity> {
  const token = `sk_test_${rev()}`
  const readToken = `sk_read_${rev()}`
  const docs = new Map<string, Doc>()
  const seen: SeenRequest[] = []
  const stamp = (doc: Doc, now = new Date().toISOString()): Doc => ({
    _createdAt: (docs.get(doc._id)?._createdAt as string | undefined) ?? now,
    ...doc,
    _updatedAt: now,
    _rev: rev(),
  })

  const fake: FakeSanity = {
    url: '',
    token,
    readToken,
    docs,
    seen,
    beforeMutate: undefined,
    actions: [],
    failMutations: 0,
    put(...list) {
      for (const doc of list) docs.set(doc._id, stamp(doc))
    },
    edit(id, change) {
      const doc = structuredClone(docs.get(id))
      if (!doc) throw new Error(`no document ${id}`)
      change(doc)
      docs.set(id, stamp(doc))
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const visible = (authorized: boolean) =>
    [...docs.values()].filter((doc) => authorized || !isPrivate(doc._id))

  const applyTransaction = (
    mutations: Array<Record<string, Record<string, unknown>>>,
    dryRun = false,
  ) => {
    const working = new Map(docs)
    const results: Array<{ id: string; operation: string }> = []
    const transactionRev = rev()
    const now = new Date().toISOString()
    for (const mutation of mutations) {
      const [kind, body] = Object.entries(mutation)[0] as [string, Record<string, unknown>]
      const id = (body._id ?? body.id) as string
      const existing = working.get(id)
      if (
        kind === 'patch' &&
        body.ifRevisionID !== undefined &&
        existing?._rev !== body.ifRevisionID
      )
        throw new MutationFailure(409, `Document "${id}" has unexpected revision ID`)
      if (kind === 'patch' && !existing)
        throw new MutationFailure(404, `Document "${id}" not found`)
      if (kind === 'create' && existing)
        throw new MutationFailure(409, `Document "${id}" already exists`)
      if (kind === 'createIfNotExists' && existing) {
        results.push({ id, operation: 'none' })
        continue
      }
      const { ifRevisionID: _ignored, ...plain } = body
      const next = new Mutation({
        mutations: [{ [kind]: kind === 'patch' ? plain : body }] as never,
        resultRev: transactionRev,
        timestamp: now,
      }).apply((existing ?? null) as never) as Doc | null
      if (next === null) working.delete(id)
      else working.set(id, { ...next, _id: id, _rev: transactionRev, _updatedAt: now })
      results.push({
        id,
        operation: kind === 'patch' ? 'update' : kind === 'delete' ? 'delete' : 'create',
      })
    }
    if (dryRun) return { transactionId: transactionRev, results, documentIds: [] }
    for (const [id, doc] of working) docs.set(id, doc)
    for (const id of [...docs.keys()]) if (!working.has(id)) docs.delete(id)
    return { transactionId: transactionRev, results, documentIds: results.map((r) => r.id) }
  }

  /** The Actions API as mutations on the current documents (one transaction). */
  const actionMutations = (actions: Array<Record<string, unknown>>) => {
    const mutations: Array<Record<string, Record<string, unknown>>> = []
    const exists = new Set(docs.keys())
    const copy = (from: string, to: string) => ({ ...structuredClone(docs.get(from)), _id: to })
    for (const action of actions) {
      const draftId = action.draftId as string
      const publishedId = action.publishedId as string
      switch (action.actionType) {
        case 'sanity.action.document.create':
        case 'sanity.action.document.replaceDraft': {
          const doc = action.attributes as Record<string, unknown>
          const kind =
            action.actionType === 'sanity.action.document.create' && action.ifExists === 'fail'
              ? 'create'
              : action.actionType === 'sanity.action.document.create'
                ? 'createIfNotExists'
                : 'createOrReplace'
          mutations.push({ [kind]: doc })
          exists.add(doc._id as string)
          break
        }
        case 'sanity.action.document.version.create': {
          const doc = action.document as Record<string, unknown>
          mutations.push({ create: doc })
          exists.add(doc._id as string)
          break
        }
        case 'sanity.action.document.edit':
          if (!exists.has(draftId)) {
            if (!exists.has(publishedId))
              throw new MutationFailure(409, `Document "${publishedId}" does not exist`)
            mutations.push({ create: copy(publishedId, draftId) })
            exists.add(draftId)
          }
          mutations.push({ patch: { ...(action.patch as object), id: draftId } })
          break
        case 'sanity.action.document.publish':
          if (!exists.has(draftId)) throw new MutationFailure(409, `No draft "${draftId}"`)
          mutations.push(
            { createOrReplace: copy(draftId, publishedId) },
            { delete: { id: draftId } },
          )
          break
        case 'sanity.action.document.discard':
          mutations.push({ delete: { id: draftId } })
          break
        case 'sanity.action.document.delete':
          for (const id of [publishedId, ...((action.includeDrafts as string[]) ?? [])])
            if (exists.has(id)) mutations.push({ delete: { id } })
          break
        case 'sanity.action.document.unpublish':
          if (!exists.has(draftId)) mutations.push({ create: copy(publishedId, draftId) })
          mutations.push({ delete: { id: publishedId } })
          break
        default:
          throw new MutationFailure(400, `Unsupported action ${String(action.actionType)}`)
      }
    }
    return mutations
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake')
      const readOnly = req.headers.authorization === `Bearer ${readToken}`
      const authorized = readOnly || req.headers.authorization === `Bearer ${token}`
      const raw = await readBody(req)
      let body: unknown
      const type = String(req.headers['content-type'] ?? '')
      if (raw.length && type.includes('json')) body = JSON.parse(raw.toString('utf8'))
      else body = raw.length ? raw : undefined
      seen.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        search: url.searchParams,
        authorized,
        body,
      })
      const parts = url.pathname.split('/').filter(Boolean)

      if (parts[0] === 'images') {
        res.writeHead(200, { 'content-type': 'image/png' })
        res.end(PIXEL_PNG)
        return
      }
      if (!/^v\d|^vX/.test(parts[0] ?? '')) return send(res, 404, { error: 'not found' })
      if (raw.length && req.headers.authorization && !authorized)
        return send(res, 401, { error: 'Unauthorized', message: 'bad token' })

      // The project, for its members (a token of this fake), as Sanity's projects route answers.
      if (parts[1] === 'projects' && parts.length === 3) {
        if (!authorized) return send(res, 401, { error: 'Unauthorized', message: 'no token' })
        return send(res, 200, { id: parts[2], displayName: 'Fake project' })
      }
      if (parts[1] === 'data' && parts[2] === 'query') {
        const input = (body ?? {}) as { query?: string; params?: Record<string, unknown> }
        const query = input.query ?? url.searchParams.get('query') ?? ''
        const params: Record<string, unknown> = { ...input.params }
        for (const [key, value] of url.searchParams)
          if (key.startsWith('$')) params[key.slice(1)] = JSON.parse(value)
        const tree = parse(query, { params })
        const value = await evaluate(tree, { dataset: visible(authorized), params })
        return send(res, 200, { ms: 1, query, result: await value.get() })
      }
      if (parts[1] === 'data' && parts[2] === 'doc') {
        const ids = decodeURIComponent(parts.slice(4).join('/')).split(',')
        const documents = ids
          .map((id) => docs.get(id))
          .filter((doc): doc is Doc => !!doc && (authorized || !isPrivate(doc._id)))
        const omitted = ids
          .filter((id) => !documents.some((d) => d._id === id))
          .map((id) => ({ id, reason: 'existence' }))
        return send(res, 200, { documents, omitted })
      }
      if (parts[1] === 'data' && (parts[2] === 'mutate' || parts[2] === 'actions')) {
        if (!authorized) return send(res, 401, { error: 'Unauthorized', message: 'no token' })
        if (readOnly)
          return send(res, 403, {
            error: { description: 'Insufficient permissions; permission "update" required' },
          })
        const input = body as {
          mutations: Array<Record<string, Record<string, unknown>>>
          actions?: Array<Record<string, unknown>>
          dryRun?: boolean
        }
        await fake.beforeMutate?.(input)
        if (fake.failMutations > 0) {
          fake.failMutations--
          return send(res, 500, { error: { description: 'Internal error', type: 'internal' } })
        }
        try {
          const dryRun = url.searchParams.get('dryRun') === 'true' || input.dryRun === true
          if (parts[2] === 'actions') {
            const done = applyTransaction(actionMutations(input.actions ?? []), dryRun)
            fake.actions.push(...(input.actions ?? []))
            return send(res, 200, { transactionId: done.transactionId })
          }
          return send(res, 200, applyTransaction(input.mutations, dryRun))
        } catch (error) {
          if (!(error instanceof MutationFailure)) throw error
          return send(res, error.status, {
            error: { description: error.message, type: 'mutationError' },
          })
        }
      }
      if (parts[1] === 'assets' && parts[2] === 'images') {
        if (!authorized) return send(res, 401, { error: 'Unauthorized', message: 'no token' })
        const bytes = raw
        const hash = randomBytes(10).toString('hex')
        const id = `image-${hash}-1x1-png`
        const doc = stamp({
          _id: id,
          _type: 'sanity.imageAsset',
          originalFilename: url.searchParams.get('filename') ?? undefined,
          size: bytes.length,
          url: `${fake.url}/images/${options.projectId ?? 'p'}/${options.dataset ?? 'd'}/${hash}-1x1.png`,
          metadata: { dimensions: { width: 1, height: 1 } },
        } as Doc)
        docs.set(id, doc)
        return send(res, 200, { document: doc })
      }
      return send(res, 404, { error: 'not found' })
    } catch (error) {
      send(res, 500, { error: { description: (error as Error).message } })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
