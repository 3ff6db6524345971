/**
 * A page in the build cannot make the plugin read (or upload) a file outside the project root:
 * not by `../`, not by percent-encoded dots, not by a symlink in the public folder.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { build, createLogger, type Plugin } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { altText } from '../src/index.js'

let api: FakeApi
let outside: string
let root: string

beforeAll(async () => {
  api = await startFakeApi()
  outside = await mkdtemp(join(tmpdir(), 'alttext-vite-secret-'))
  root = await mkdtemp(join(tmpdir(), 'alttext-vite-root-'))
  await writeFile(join(outside, 'secret.png'), tinyPng(7))
  await mkdir(join(root, 'public'))
  await symlink(join(outside, 'secret.png'), join(root, 'public', 'out.png'))
  await writeFile(join(root, 'index.html'), '<!doctype html><html><body><p>home</p></body></html>')
})
afterAll(async () => {
  await api.close()
  await rm(root, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

it('refuses sources leading outside the root and uploads none of them', async () => {
  // From dist/extra/, up to the file system root and down to the secret.
  const up = relative(join(root, 'dist', 'extra'), join(outside, 'secret.png'))
  const encoded = up.replaceAll('..', '%2e%2e')
  const emitter: Plugin = {
    name: 'emit-hostile-page',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'extra/hostile.html',
        source: `<!doctype html><html><body><img src="${up}"><img src="${encoded}"><img src="/out.png"></body></html>`,
      })
    },
  }
  const lines: string[] = []
  const logger = createLogger('info')
  logger.info = (msg) => void lines.push(msg)
  logger.warn = (msg) => void lines.push(`WARN ${msg}`)
  await build({
    root,
    logLevel: 'info',
    customLogger: logger,
    configFile: false,
    build: { outDir: join(root, 'dist'), emptyOutDir: true, copyPublicDir: false },
    plugins: [emitter, altText({ apiKey: api.key, baseUrl: api.url, cache: false })],
  })
  expect(api.images).toHaveLength(0)
  const html = await readFile(join(root, 'dist', 'extra', 'hostile.html'), 'utf8')
  expect(html).not.toContain('alt=')
  const refused = lines.filter((l) => /leaves the (site|public) folder/.test(l))
  expect(refused).toHaveLength(3)
})
