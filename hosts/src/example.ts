/** The files of an example site (examples/<name>), to copy into a fresh project as they are. */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { ROOT } from './workspace.js'

/** What a user's copy of an example does not take: installs, builds, caches, the manifest. */
const LEFT_OUT =
  /^(node_modules|dist|_site|\.astro|\.cache)(\/|$)|^(package\.json|README\.md|alt-text\.json)$/

/** `examples/<name>`'s files, path relative to the example → content. */
export async function exampleFiles(name: string): Promise<Record<string, Uint8Array>> {
  const dir = join(ROOT, 'examples', name)
  const files: Record<string, Uint8Array> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')
    if (LEFT_OUT.test(path)) continue
    files[path] = await readFile(join(dir, path))
  }
  return files
}

/** The registry dependencies of `examples/<name>/package.json` (workspace ones left out). */
export async function exampleRegistryDependencies(name: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(
    await readFile(join(ROOT, 'examples', name, 'package.json'), 'utf8'),
  ) as { dependencies?: Record<string, string> }
  return Object.fromEntries(
    Object.entries(manifest.dependencies ?? {}).filter(([, v]) => !v.startsWith('workspace:')),
  )
}
