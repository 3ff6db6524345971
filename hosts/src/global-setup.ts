/** Packs every publishable package once for all host tests; the tarballs go away afterwards. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { packAll, type Tarballs } from './pack.js'

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Tarballs
  }
}

/** vitest global setup: provides `tarballs` (inject('tarballs') in a test). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-packs-'))
  const started = Date.now()
  const tarballs = await packAll(dir)
  project.provide('tarballs', tarballs)
  console.log(
    `hosts: packed ${Object.keys(tarballs).length} packages in ${Date.now() - started} ms`,
  )
  return () => rm(dir, { recursive: true, force: true })
}
