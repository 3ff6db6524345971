/** The publishable packages of the workspace, as users get them. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The workspace root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Every package that is published (the API, testkit, examples, bench and WordPress are not). */
export const PUBLISHABLE = {
  '@alttextapi/core': 'core',
  '@alttextapi/rehype': 'plugins/rehype',
  '@alttextapi/vite-plugin': 'plugins/vite',
  '@alttextapi/cli': 'plugins/cli',
  '@alttextapi/remark': 'plugins/remark',
  '@alttextapi/astro': 'plugins/astro',
  '@alttextapi/sanity-plugin': 'plugins/sanity',
} as const

/** The name of a publishable package. */
export type PackageName = keyof typeof PUBLISHABLE

/** A package.json, as far as these tests read it. */
export interface Manifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  exports?: Record<string, { types: string; default: string }>
}

/** The workspace manifest of a publishable package. */
export function manifestOf(name: PackageName): Manifest {
  return JSON.parse(readFileSync(join(ROOT, PUBLISHABLE[name], 'package.json'), 'utf8'))
}

/** The absolute path of a file of a publishable package. */
export function fileOf(name: PackageName, path: string): string {
  return join(ROOT, PUBLISHABLE[name], path)
}

function isPublishable(name: string): name is PackageName {
  return name in PUBLISHABLE
}

/**
 * `names` and every publishable package they depend on, directly or not: the tarballs a user's
 * install needs (ours are not on a registry while these tests run).
 */
export function withOurDependencies(names: readonly PackageName[]): PackageName[] {
  const seen = new Set<PackageName>()
  const visit = (name: PackageName) => {
    if (seen.has(name)) return
    seen.add(name)
    for (const dep of Object.keys(manifestOf(name).dependencies ?? {}))
      if (isPublishable(dep)) visit(dep)
  }
  for (const name of names) visit(name)
  return [...seen].sort()
}
