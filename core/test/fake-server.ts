/**
 * A scriptable stand-in for the AltText API: a real `node:http` server on a free port. Each test
 * queues one handler per expected request (answer 429, hang, reset the socket…); requests beyond
 * the script get a 500 so an unexpected retry shows up as a failure.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Seen {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
  at: number
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void

export interface FakeApi {
  url: string
  seen: Seen[]
  /** Queues handlers, answered in order. */
  script(...handlers: Handler[]): void
  close(): Promise<void>
}

/** Answers JSON with a status and optional headers. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

/** Answers the API's error shape. */
export const apiError = (
  status: number,
  code: string,
  message = `${code} happened`,
  headers: Record<string, string> = {},
): Handler => json(status, { error: { code, message } }, headers)

/** Never answers (the client's timeout has to end it). */
export const hang: Handler = () => {}

/** Drops the connection without an answer. */
export const reset: Handler = (req) => {
  req.socket.destroy()
}

/** Sends headers, then stalls the body. */
export const stallBody: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"altText":')
}

export const altText = (text = 'A red bicycle against a brick wall'): Handler =>
  json(200, {
    id: 'u_1',
    altText: text,
    language: 'en',
    model: 'qwen/qwen2.5-vl-72b-instruct',
    creditsUsed: 1,
    creditsRemaining: 9,
  })

export async function startFakeApi(): Promise<FakeApi> {
  const seen: Seen[] = []
  const queue: Handler[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = text
      }
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      })
      const handler = queue.shift() ?? apiError(500, 'internal_error', 'unscripted request')
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...handlers) => queue.push(...handlers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
