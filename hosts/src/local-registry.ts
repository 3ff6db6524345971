/**
 * A package registry on 127.0.0.1 for commands that install by name (`astro add`): our packages
 * are served from the packed tarballs (metadata, version document, tarball), every other request
 * is passed to the registry npm is configured with. A command pointed at it (`npm_config_registry`)
 * installs our unpublished packages exactly as it will install the published ones.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { runOk } from './exec.js'
import type { Tarballs } from './pack.js'

/** A running local registry. */
export interface LocalRegistry {
  url: string
  /** Paths asked for, in order (decoded). */
  requests: string[]
  stop(): Promise<void>
}

/** Starts the registry for `tarballs`. */
export async function startLocalRegistry(tarballs: Partial<Tarballs>): Promise<LocalRegistry> {
  const { stdout } = await runOk('npm', ['config', 'get', 'registry'], { cwd: tmpdir() })
  const upstream = stdout.trim().replace(/\/$/, '')
  const packages = new Map<string, { bytes: Buffer; manifest: Record<string, unknown> }>()
  for (const [name, path] of Object.entries(tarballs)) {
    if (!path) continue
    const { stdout: json } = await runOk('tar', ['-xOzf', path, 'package/package.json'], {
      cwd: tmpdir(),
    })
    packages.set(name, { bytes: await readFile(path), manifest: JSON.parse(json) })
  }
  const requests: string[] = []
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname)
    requests.push(path)
    const name = [...packages.keys()].find((n) => path === `/${n}` || path.startsWith(`/${n}/`))
    const ours = name ? packages.get(name) : undefined
    try {
      if (name && ours) {
        if (path.endsWith('.tgz')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' })
          res.end(ours.bytes)
          return
        }
        const { port } = server.address() as AddressInfo
        const version = String(ours.manifest.version)
        const document = {
          ...ours.manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `http://127.0.0.1:${port}/${name}/-/${name.split('/').pop()}-${version}.tgz`,
            shasum: createHash('sha1').update(ours.bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(ours.bytes).digest('base64')}`,
          },
        }
        // `/<name>/latest` or `/<name>/<version>`: one version; `/<name>`: the package.
        const one = path !== `/${name}`
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify(
            one
              ? document
              : { name, 'dist-tags': { latest: version }, versions: { [version]: document } },
          ),
        )
        return
      }
      const answer = await fetch(`${upstream}${req.url}`, {
        headers: { accept: req.headers.accept ?? '*/*' },
      })
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
      })
      res.end(Buffer.from(await answer.arrayBuffer()))
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
