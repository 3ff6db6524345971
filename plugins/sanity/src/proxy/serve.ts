/** `serveKeyProxy`: the key proxy as a Node HTTP server (Node ≥ 20, no framework). */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createKeyProxy, type KeyProxyOptions } from './key-proxy.js'

/** Largest request body passed on (a 10 MB image in base64, plus JSON). */
const MAX_BODY = 15 * 1024 * 1024

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error('too large')
    chunks.push(chunk as Buffer)
  }
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers.set(name, value)
  const method = req.method ?? 'GET'
  return new Request(new URL(req.url ?? '/', base), {
    method,
    headers,
    body:
      method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
        ? undefined
        : Buffer.concat(chunks),
  })
}

/** Starts the proxy on `port` (0: a free one) and `host` (default 127.0.0.1). */
export async function serveKeyProxy(
  options: KeyProxyOptions,
  listen: { port?: number; host?: string } = {},
): Promise<{ server: Server; url: string }> {
  const handle = createKeyProxy(options)
  const server = createServer(async (req, res) => {
    try {
      const response = await handle(await toRequest(req, 'http://proxy.local'))
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch {
      res.writeHead(413, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'payload_too_large', message: 'Body too large' } }))
    }
  })
  const host = listen.host ?? '127.0.0.1'
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : listen.port
  return { server, url: `http://${host}:${port}` }
}
