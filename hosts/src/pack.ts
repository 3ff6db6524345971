/** `pnpm pack` of every publishable package: the tarballs users would download. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runOk } from './exec.js'
import { fileOf, type PackageName, PUBLISHABLE, ROOT } from './workspace.js'

/** Tarball path of each publishable package. */
export type Tarballs = Record<PackageName, string>

/**
 * Packs every publishable package into `destination`. Needs the packages built (`pnpm build`;
 * `pnpm test` builds before testing): packing never builds, so what is tested is what was built.
 */
export async function packAll(destination: string): Promise<Tarballs> {
  const names = Object.keys(PUBLISHABLE) as PackageName[]
  const unbuilt = names.filter((name) => !existsSync(fileOf(name, 'dist/index.js')))
  if (unbuilt.length > 0)
    throw new Error(`not built: ${unbuilt.join(', ')} — run \`pnpm build\` first`)
  const packed = await Promise.all(
    names.map(async (name) => {
      // pnpm pack rewrites `workspace:^` to the version range users resolve.
      const { stdout } = await runOk('pnpm', ['pack', '--pack-destination', destination], {
        cwd: join(ROOT, PUBLISHABLE[name]),
      })
      const path = stdout.trim().split('\n').pop() ?? ''
      if (!path.endsWith('.tgz')) throw new Error(`pnpm pack of ${name} said: ${stdout}`)
      return [name, path] as const
    }),
  )
  return Object.fromEntries(packed) as Tarballs
}
