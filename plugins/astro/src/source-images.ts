/**
 * Which source image an optimised one was made from. Astro's image pipeline keeps, for the build,
 * `globalThis.astroAsset.staticImages`: for every original asset (`/_astro/photo.Hash.jpg`), the
 * file it came from (`originalSrcPath`) and its transforms (`finalPath`
 * `/_astro/photo.Hash_Z1a2b3.webp`). Astro 5 fills it while pages render and keeps it until
 * `astro:build:done` (only `addStaticImage` is deleted). The map is not public API: when it is
 * missing or changes shape, `sourceOf` finds nothing and the built file itself is described (the
 * cache key is then the optimised bytes, still stable from one build to the next).
 */

interface StaticImage {
  originalSrcPath?: string | undefined
  transforms?: Map<string, { finalPath?: unknown }> | undefined
}

/** Built URL path (without `base`, decoded, e.g. `/_astro/a.Hash_Z1.webp`) → source file path. */
export type SourceImages = Map<string, string>

/** The optimised and original asset paths of this build, each mapped to its source file. */
export function readSourceImages(): SourceImages {
  const sources: SourceImages = new Map()
  const store = (globalThis as { astroAsset?: { staticImages?: unknown } }).astroAsset?.staticImages
  if (!(store instanceof Map)) return sources
  for (const [original, entry] of store as Map<unknown, StaticImage>) {
    const source = entry?.originalSrcPath
    if (typeof original !== 'string' || typeof source !== 'string') continue
    sources.set(original, source)
    if (!(entry.transforms instanceof Map)) continue
    for (const transform of entry.transforms.values())
      if (typeof transform?.finalPath === 'string') sources.set(transform.finalPath, source)
  }
  return sources
}

/**
 * The URL path of `src` inside the built site, with `base` (`/docs/`) and `assetsPrefix` removed
 * and percent-escapes decoded; undefined for other sites' URLs, `data:` and relative sources.
 */
export function sitePath(src: string, base: string, assetsPrefix?: string): string | undefined {
  let path = src.replace(/[?#].*$/s, '')
  if (assetsPrefix && path.startsWith(assetsPrefix)) path = path.slice(assetsPrefix.length)
  if (!path.startsWith('/') || path.startsWith('//')) return undefined
  const prefix = base.endsWith('/') ? base : `${base}/`
  if (prefix !== '/' && path.startsWith(prefix)) path = path.slice(prefix.length - 1)
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}
