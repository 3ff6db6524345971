/**
 * Reading the image a built page points at: an optimised image by its source file (so the cache
 * key is the source, whatever size or format Astro made of it), else the built file itself.
 */
import { readFile, realpath } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { type SourceImages, sitePath } from './source-images.js'

/** Where the build is and how its URLs look. */
export interface BuiltSite {
  /** The project root: no source file outside it is read. */
  root: string
  /** The output folder (`dist/`). */
  outDir: string
  /** `base` of the Astro config (`/` or `/docs/`). */
  base: string
  /** `build.assetsPrefix` when it is one string (a CDN URL). */
  assetsPrefix?: string | undefined
  /** The build's optimised and original assets → their source files. */
  sources: SourceImages
}

/** The bytes of `path` when its real path is inside `folder` (no `..` or symlink out). */
async function readInside(folder: string, path: string): Promise<Uint8Array | undefined> {
  try {
    const [inside, real] = await Promise.all([realpath(folder), realpath(path)])
    if (real !== inside && !real.startsWith(inside + sep)) return undefined
    return await readFile(real)
  } catch {
    return undefined
  }
}

/**
 * The bytes to describe for `src` on a built page: the source image of an optimised asset (read
 * inside `root`), else the file at that URL in `outDir`; undefined when the URL is not a built
 * file, so the rehype run reads it as usual (public folder, relative path, download).
 */
export async function builtImage(site: BuiltSite, src: string): Promise<Uint8Array | undefined> {
  const path = sitePath(src, site.base, site.assetsPrefix)
  if (!path) return undefined
  const source = site.sources.get(path)
  if (source) {
    const bytes = await readInside(site.root, source)
    if (bytes) return bytes
  }
  return readInside(site.outDir, join(site.outDir, path))
}
