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
import { createServer } from 'node:http'
import { Mutation } from '@sanity/mutator'
import { evaluate, parse } from 'groq-js'
import { readBody } from './http.js'

/**
 * @typedef {Record<string, unknown> & { _id: string, _type: string, _rev?: string }} Doc
 *   A document as the fake stores it.
 */

/**
 * @typedef {object} SeenRequest What the fake saw of one request.
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} search
 * @property {boolean} authorized
 * @property {unknown} body
 */

/**
 * @typedef {object} FakeSanity
 * @property {string} url `apiHost` for the client.
 * @property {string} token
 * @property {string} readToken A token that may read everything but write nothing (mutations: 403).
 * @property {Map<string, Doc>} docs
 * @property {SeenRequest[]} seen
 * @property {((body: { mutations: unknown[] }) => void | Promise<void>) | undefined} beforeMutate
 *   Runs before each mutate request is applied (simulate a concurrent edit).
 * @property {Array<Record<string, unknown>>} actions The Actions API requests applied (the
 *   Studio's own saves), in order.
 * @property {number} failMutations Makes the next `n` mutate requests fail with 500.
 * @property {(...docs: Doc[]) => void} put Inserts or replaces documents (gives them a revision).
 * @property {(id: string, change: (doc: Doc) => void) => void} edit Edits a stored document
 *   outside any client (a concurrent editor): new revision.
 * @property {() => Promise<void>} close
 */

/** A 1×1 PNG, served for every image URL. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

const rev = () => randomBytes(8).toString('hex')
/** @param {string} id */
const isPrivate = (id) => id.replace(/^drafts\./, '').includes('.')

/**
 * Answers JSON.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

class MutationFailure extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message)
    /** @readonly */
    this.status = status
  }
}

/**
 * Starts the fake on a free port.
 * @param {{ projectId?: string, dataset?: string }} [options]
 * @returns {Promise<FakeSanity>}
 */
export async function startFakeSanity(options = {}) {
  const token = `sk_test_${rev()}`
  const readToken = `sk_read_${rev()}`
  /** @type {Map<string, Doc>} */
  const docs = new Map()
  /** @type {SeenRequest[]} */
  const seen = []
  /**
   * @param {Doc} doc
   * @param {string} [now]
   * @returns {Doc}
   */
  const stamp = (doc, now = new Date().toISOString()) => ({
    _createdAt: /** @type {string | undefined} */ (docs.get(doc._id)?._createdAt) ?? now,
    ...doc,
    _updatedAt: now,
    _rev: rev(),
  })

  /** @type {FakeSanity} */
  const fake = {
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

  /** @param {boolean} authorized */
  const visible = (authorized) =>
    [...docs.values()].filter((doc) => authorized || !isPrivate(doc._id))

  /**
   * @param {Array<Record<string, Record<string, unknown>>>} mutations
   * @param {boolean} [dryRun]
   */
  const applyTransaction = (mutations, dryRun = false) => {
    const working = new Map(docs)
    /** @type {Array<{ id: string, operation: string }>} */
    const results = []
    const transactionRev = rev()
    const now = new Date().toISOString()
    for (const mutation of mutations) {
      const [kind, body] = /** @type {[string, Record<string, unknown>]} */ (
        Object.entries(mutation)[0]
      )
      const id = /** @type {string} */ (body._id ?? body.id)
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
      const next = /** @type {Doc | null} */ (
        new Mutation({
          mutations: /** @type {never} */ ([{ [kind]: kind === 'patch' ? plain : body }]),
          resultRev: transactionRev,
          timestamp: now,
        }).apply(/** @type {never} */ (existing ?? null))
      )
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

  /**
   * The Actions API as mutations on the current documents (one transaction).
   * @param {Array<Record<string, unknown>>} actions
   */
  const actionMutations = (actions) => {
    /** @type {Array<Record<string, Record<string, unknown>>>} */
    const mutations = []
    const exists = new Set(docs.keys())
    /**
     * @param {string} from
     * @param {string} to
     */
    const copy = (from, to) => ({ ...structuredClone(docs.get(from)), _id: to })
    for (const action of actions) {
      const draftId = /** @type {string} */ (action.draftId)
      const publishedId = /** @type {string} */ (action.publishedId)
      switch (action.actionType) {
        case 'sanity.action.document.create':
        case 'sanity.action.document.replaceDraft': {
          const doc = /** @type {Record<string, unknown>} */ (action.attributes)
          const kind =
            action.actionType === 'sanity.action.document.create' && action.ifExists === 'fail'
              ? 'create'
              : action.actionType === 'sanity.action.document.create'
                ? 'createIfNotExists'
                : 'createOrReplace'
          mutations.push({ [kind]: doc })
          exists.add(/** @type {string} */ (doc._id))
          break
        }
        case 'sanity.action.document.version.create': {
          const doc = /** @type {Record<string, unknown>} */ (action.document)
          mutations.push({ create: doc })
          exists.add(/** @type {string} */ (doc._id))
          break
        }
        case 'sanity.action.document.edit':
          if (!exists.has(draftId)) {
            if (!exists.has(publishedId))
              throw new MutationFailure(409, `Document "${publishedId}" does not exist`)
            mutations.push({ create: copy(publishedId, draftId) })
            exists.add(draftId)
          }
          mutations.push({ patch: { .../** @type {object} */ (action.patch), id: draftId } })
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
          for (const id of [publishedId, .../** @type {string[]} */ (action.includeDrafts ?? [])])
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
      /** @type {unknown} */
      let body
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
        const input = /** @type {{ query?: string, params?: Record<string, unknown> }} */ (
          body ?? {}
        )
        const query = input.query ?? url.searchParams.get('query') ?? ''
        /** @type {Record<string, unknown>} */
        const params = { ...input.params }
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
          .filter(
            /**
             * @param {Doc | undefined} doc
             * @returns {doc is Doc}
             */
            (doc) => !!doc && (authorized || !isPrivate(doc._id)),
          )
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
        const input =
          /** @type {{ mutations: Array<Record<string, Record<string, unknown>>>, actions?: Array<Record<string, unknown>>, dryRun?: boolean }} */ (
            body
          )
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
        const doc = stamp(
          /** @type {Doc} */ ({
            _id: id,
            _type: 'sanity.imageAsset',
            originalFilename: url.searchParams.get('filename') ?? undefined,
            size: bytes.length,
            url: `${fake.url}/images/${options.projectId ?? 'p'}/${options.dataset ?? 'd'}/${hash}-1x1.png`,
            metadata: { dimensions: { width: 1, height: 1 } },
          }),
        )
        docs.set(id, doc)
        return send(res, 200, { document: doc })
      }
      return send(res, 404, { error: 'not found' })
    } catch (error) {
      send(res, 500, { error: { description: /** @type {Error} */ (error).message } })
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  fake.url = `http://127.0.0.1:${address.port}`
  return fake
}
