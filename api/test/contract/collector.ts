/**
 * A small HTTP server in Node (global setup of the workerd tests) that appends the exchanges the
 * test files post to `EXCHANGES_FILE`: tests inside workerd have no file system.
 */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { EXCHANGES_FILE } from './exchanges.js'

/**
 * Starts the collector on loopback; returns its URL and a stop function. The run's exchanges go to
 * a file of this process and replace `EXCHANGES_FILE` only when the run ends, so a run that stops
 * half-way (or another run at the same time) never leaves a mixed file.
 */
export async function startCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const target = fileURLToPath(EXCHANGES_FILE)
  const file = `${target}.${process.pid}.partial`
  await mkdir(new URL('.', EXCHANGES_FILE), { recursive: true })
  await writeFile(file, '')
  let pending = Promise.resolve()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      // Appends one after another, so lines of two files never interleave.
      pending = pending.then(() => appendFile(file, text.endsWith('\n') ? text : `${text}\n`))
      pending.then(
        () => res.writeHead(204).end(),
        () => res.writeHead(500).end(),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await pending
      await rename(file, target)
    },
  }
}
