/** Finding an image's bytes in Vite's output bundle (assets are not on disk yet during a build). */
import { posix } from 'node:path'
import type { Rollup } from 'vite'

type OutputBundle = Rollup.OutputBundle

// Vite 8 writes `__VITE_ASSET__<ref>[_<postfix>]__` in HTML until after the post hooks; earlier
// majors wrote `__VITE_ASSET__<ref>__`.
const ASSET_PLACEHOLDER = /^__VITE_ASSET__([\w$]{22})(?:_[a-f\d]{24})?__|^__VITE_ASSET__([\w$]+?)__/

/** The reference id of a Vite asset placeholder, if `src` is one. */
export function assetReference(src: string): string | undefined {
  const match = ASSET_PLACEHOLDER.exec(src)
  return match ? (match[1] ?? match[2]) : undefined
}

/** The asset `fileName` of `bundle` as bytes, if it is there. */
export function assetBytes(bundle: OutputBundle, fileName: string): Uint8Array | undefined {
  const output = bundle[fileName]
  if (output?.type !== 'asset') return undefined
  return typeof output.source === 'string'
    ? new TextEncoder().encode(output.source)
    : new Uint8Array(output.source)
}

/** A URL with a scheme or protocol-relative (`https://cdn.example.com/`, `//cdn.example.com/`). */
const ABSOLUTE_URL = /^([a-z][a-z\d+.-]*:|\/\/)/i

/**
 * With an absolute-URL `base` (a CDN: `https://cdn.example.com/x/`), `src` under it as a
 * root-relative URL of the site (`/assets/a.png`): the built pages point at the CDN, where nothing
 * is deployed yet. Undefined for a path `base` and for URLs elsewhere (they stay remote).
 */
export function underAbsoluteBase(src: string, base: string): string | undefined {
  if (!ABSOLUTE_URL.test(base)) return undefined
  const prefix = base.endsWith('/') ? base : `${base}/`
  return src.startsWith(prefix) ? `/${src.slice(prefix.length)}` : undefined
}

/**
 * The bundle file a URL in a built page points at: root-relative URLs lose the `base` (URLs
 * under an absolute-URL `base` too), relative ones resolve against the page's own place in the
 * output. Undefined for other URLs.
 */
export function bundleFileName(
  src: string,
  htmlFileName: string,
  base: string,
): string | undefined {
  const local = underAbsoluteBase(src, base)
  if (local !== undefined) return bundleFileName(local, htmlFileName, '/')
  if (ABSOLUTE_URL.test(src)) return undefined
  let path = src.replace(/[?#].*$/s, '')
  try {
    path = decodeURI(path)
  } catch {}
  if (path.startsWith('/')) {
    const prefix = base.startsWith('/') ? (base.endsWith('/') ? base : `${base}/`) : '/'
    if (!path.startsWith(prefix)) return undefined
    return path.slice(prefix.length)
  }
  return posix.normalize(posix.join(posix.dirname(htmlFileName), path)).replace(/^\.\//, '')
}
