/** A static file server for a built site (and the "remote" image host), on loopback. */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { listen } from '@alttextapi/testkit'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
}

export function serveDir(dir: string, onRequest?: (path: string) => void) {
  return listen(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    onRequest?.(path)
    if (path.endsWith('/')) path += 'index.html'
    const file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''))
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file')
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(await readFile(file))
    } catch {
      res.writeHead(404).end('not found')
    }
  })
}
