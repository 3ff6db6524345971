import { listen } from './http.js'
import { gifFile, jpegFile, pngFile, webpFile } from './image-files.js'

/**
 * A local image host for fetch tests: images of each format, wrong types, errors, redirects,
 * oversized and hanging bodies. `hits` counts requests per path (to prove a refused redirect
 * target was never contacted).
 * Paths: /png /jpeg /gif /webp /png-octet /html /fake-png /truncated /bomb /slow /big /big-chunked
 * /status/:code /redirect?to=URL /chain/:n (n redirects, then a PNG).
 */
export async function startImageServer() {
  /** @type {Map<string, number>} */
  const hits = new Map()
  const big = 11 * 1024 * 1024
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1)
    /** @param {Uint8Array | string} body @param {string} type */
    const send = (body, type, status = 200) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
      res.end(body)
    }
    const path = url.pathname
    if (path === '/png') return send(pngFile(1, 1, 7), 'image/png')
    if (path === '/jpeg') return send(jpegFile(640, 480), 'image/jpeg')
    if (path === '/gif') return send(gifFile(), 'image/gif')
    if (path === '/webp') return send(webpFile(), 'image/webp')
    if (path === '/png-octet') return send(pngFile(1, 1, 8), 'application/octet-stream')
    if (path === '/html')
      return send('<!doctype html><title>Not an image</title>', 'text/html; charset=utf-8')
    if (path === '/fake-png') return send('this is text pretending to be a png', 'image/png')
    if (path === '/truncated') return send(pngFile(1, 1, 9).subarray(0, 40), 'image/png')
    if (path === '/bomb') return send(pngFile(20000, 20000), 'image/png')
    if (path === '/slow') return // never answers
    if (path === '/big') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': big })
      res.end(Buffer.alloc(big))
      return
    }
    if (path === '/big-chunked') {
      // No Content-Length: the client has to count while streaming.
      res.writeHead(200, { 'content-type': 'image/png' })
      const chunk = Buffer.alloc(256 * 1024)
      chunk.set(pngFile(1, 1, 10).subarray(0, 16))
      let sent = 0
      const write = () => {
        while (sent < big) {
          sent += chunk.length
          if (!res.write(chunk)) return res.once('drain', write)
        }
        res.end()
      }
      res.on('error', () => {})
      write()
      return
    }
    const status = /^\/status\/(\d{3})$/.exec(path)
    if (status) return send('failure', 'text/plain', Number(status[1]))
    if (path === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/png' })
      return res.end()
    }
    const chain = /^\/chain\/(\d+)$/.exec(path)
    if (chain) {
      const n = Number(chain[1])
      res.writeHead(302, { location: n > 1 ? `/chain/${n - 1}` : '/png' })
      return res.end()
    }
    send('not found', 'text/plain', 404)
  })
  return { url: server.url, port: server.port, hits, close: server.close }
}
