/**
 * The local review server of `alttext review`: 127.0.0.1 only, a random port, and a per-run token
 * as the first path segment (`http://127.0.0.1:PORT/TOKEN/`). A request without the token, or
 * with a Host other than this loopback address (DNS rebinding), or a form post from another
 * origin, is refused with 403. Pages are plain HTML forms; each change re-reads alt-text.json and
 * refuses text that changed since the page was loaded (see `store.ts`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { relative } from 'node:path'
import { renderPage, STYLE_HASH } from './page.js'
import { applyReview, type ReviewAction, readForReview } from './store.js'
import { contentTypeOf } from './thumbnails.js'

/** Options of `startReviewServer`. */
export interface ReviewServerOptions {
  /** alt-text.json (absolute). */
  file: string
  /** The file's name as shown. */
  fileName: string
  /** The site root (absolute) the thumbnails were found under. */
  root: string
  /** Image hash → image file under the root. */
  thumbnails: Map<string, string>
  /** Who approves (written as `reviewed.by`). */
  reviewer: string
  /** Port; default 0 (a free one). */
  port?: number | undefined
  /** Told about every change and refusal (a line for the terminal). */
  log?: ((line: string) => void) | undefined
}

/** A running review server. */
export interface ReviewServer {
  /** The page's address, token included. */
  url: string
  /** The per-run token. */
  token: string
  close(): Promise<void>
}

const MAX_BODY = 64 * 1024
const MESSAGES: Record<string, string> = {
  approved: 'Approved: alt-text.json is updated.',
  edited: 'Saved: the new text is in alt-text.json (origin edited, reviewed).',
}

const HEADERS = {
  'Content-Security-Policy': `default-src 'none'; img-src 'self'; style-src ${STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Content-Type-Options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium posts forms with `Origin: null`.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra = {},
) {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type, ...extra })
  res.end(body)
}

const text = (res: ServerResponse, status: number, body: string) =>
  send(res, status, `${body}\n`, 'text/plain; charset=utf-8')

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) return undefined
    chunks.push(chunk as Buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/** Starts the server on 127.0.0.1; resolves once it listens. */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const token = randomBytes(24).toString('base64url')
  const log = options.log ?? (() => {})
  let port = 0
  // One change at a time: each reads, checks and writes the file whole.
  let queue: Promise<unknown> = Promise.resolve()

  const page = async (
    res: ServerResponse,
    status: number,
    message?: { text: string; error: boolean },
  ) => {
    const read = await readForReview(options.file, options.fileName)
    if (!read.ok) {
      text(
        res,
        409,
        `${options.fileName} has problems; fix them by hand, then reload:\n${read.problems.join('\n')}`,
      )
      return
    }
    const html = renderPage({
      mode: 'serve',
      items: read.items,
      fileName: options.fileName,
      thumbnail: (hash) => (options.thumbnails.has(hash) ? `thumb/${hash}` : undefined),
      imageName: (hash) => {
        const file = options.thumbnails.get(hash)
        return file ? relative(options.root, file) : undefined
      },
      message,
    })
    send(res, status, html, 'text/html; charset=utf-8')
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Only this loopback address by name: a page on another site that resolves its own name to
    // 127.0.0.1 (DNS rebinding) sends its own Host and is refused.
    const host = req.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return text(res, 403, 'Forbidden')
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const [, first = '', ...rest] = url.pathname.split('/')
    if (!sameToken(first, token))
      return text(res, 403, 'Forbidden: this address needs the token alttext review printed')
    const route = rest.join('/')
    if (req.method === 'GET' && route === '') {
      const done = MESSAGES[url.searchParams.get('msg') ?? '']
      return page(res, 200, done ? { text: done, error: false } : undefined)
    }
    if (req.method === 'GET' && route.startsWith('thumb/')) {
      const file = options.thumbnails.get(route.slice('thumb/'.length))
      if (!file) return text(res, 404, 'Not found')
      return send(res, 200, await readFile(file), contentTypeOf(file))
    }
    if (route === 'approve' || route === 'edit') {
      if (req.method !== 'POST') return text(res, 405, 'Method not allowed')
      // A form posted from another origin (the token leaked into it) is not the reviewer's.
      const origin = req.headers.origin
      if (origin !== undefined && origin !== `http://${host}`)
        return text(res, 403, 'Forbidden: cross-origin form')
      const form = await readForm(req)
      const hash = form?.get('hash')
      const id = form?.get('id')
      const shown = form?.get('shown')
      const edited = form?.get('text')
      if (!form || !hash || !id || shown == null || (route === 'edit' && edited == null))
        return text(res, 400, 'Bad request: hash, id and shown (and text for edit) are required')
      const action: ReviewAction =
        route === 'approve'
          ? { kind: 'approve', hash, id, shown }
          : { kind: 'edit', hash, id, shown, text: edited ?? '' }
      const next = queue.then(
        () => applyReview(options.file, action, options.reviewer),
        () => applyReview(options.file, action, options.reviewer),
      )
      queue = next
      const result = await next
      if (result.status === 'broken') {
        log(`not written: ${options.fileName} has problems`)
        return text(
          res,
          409,
          `${options.fileName} has problems; it was not changed:\n${result.problems.join('\n')}`,
        )
      }
      if (result.status === 'refused') {
        log(`refused (${hash.slice(0, 12)}…): ${result.message}`)
        return page(res, 409, { text: result.message, error: true })
      }
      const done =
        result.entry.origin === 'machine' || result.entry.altText === shown ? 'approved' : 'edited'
      log(`${done}: ${hash.slice(0, 12)}… "${result.entry.altText}"`)
      res.writeHead(303, { ...HEADERS, Location: `/${token}/?msg=${done}` })
      return res.end()
    }
    return text(res, 404, 'Not found')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`error: ${(error as Error).message}`)
      if (!res.headersSent) text(res, 500, 'Internal error (see the terminal)')
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
