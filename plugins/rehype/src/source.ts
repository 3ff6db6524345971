/**
 * Reading an image given its `src`: an http(s) URL (downloaded with a timeout and a size cap, or
 * passed on as a URL), a root-relative path under the public folder, a path relative to the file,
 * or a `data:` URL.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { normalizeHost, refusedHost } from '@alttextapi/core/address'
import type { VFile } from 'vfile'

/** An image's bytes, or a URL for the API to fetch; `skip` is a deliberate no. */
export type LoadedImage =
  | { kind: 'bytes'; bytes: Uint8Array; origin?: ImageOrigin | undefined }
  | { kind: 'url'; url: string }
  | { kind: 'skip'; reason: string }

/**
 * Where an image's bytes came from (what the page cache checks again on a hit): `resolveImage`,
 * a local file (with its stat at read time), a `data:` URL, or a download.
 */
export type ImageOrigin =
  | { type: 'resolved' }
  | { type: 'file'; path: string; size: number; mtimeMs: number; ctimeMs: number; ino: number }
  | { type: 'data' }
  | { type: 'download' }

/** What `loadImage` needs from the options. */
export interface LoadOptions {
  publicDir: string
  /** No local file outside this folder (or `publicDir`) is read, symlinks resolved. */
  root: string
  basePath: string
  remoteImages: 'download' | 'url' | 'skip'
  fetchTimeoutMs: number
  maxImageBytes: number
  fetch: typeof fetch
  resolveImage?:
    | ((src: string, file: VFile) => Promise<Uint8Array | undefined> | Uint8Array | undefined)
    | undefined
}

/** A problem reading an image: reported on the image, never thrown out of the plugin. */
export class ImageLoadError extends Error {
  override name = 'ImageLoadError'
}

/** Decodes a `data:` URL (base64 or percent-encoded). */
export function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',')
  if (comma === -1) throw new ImageLoadError('Malformed data: URL')
  const meta = url.slice(5, comma)
  const data = url.slice(comma + 1)
  if (/;base64$/i.test(meta)) return new Uint8Array(Buffer.from(data.replace(/\s+/g, ''), 'base64'))
  return new Uint8Array(Buffer.from(decodeURIComponent(data), 'latin1'))
}

/** The path part of a local source, without query and fragment, percent-decoded. */
function localPath(src: string): string {
  const path = src.replace(/[?#].*$/s, '')
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/**
 * Reads `file` only when its real path (symlinks resolved) is inside one of `allowed` (also
 * resolved): a `../`, a percent-encoded dot or a symlink cannot lead a build out of the site.
 */
async function readLocal(
  file: string,
  src: string,
  allowed: string[],
  max: number,
): Promise<LoadedImage> {
  let real: string
  try {
    real = await realpath(file)
  } catch {
    throw new ImageLoadError(`Image file not found: ${file}`)
  }
  const roots = await Promise.all(allowed.map((dir) => realpath(dir).catch(() => resolve(dir))))
  if (!roots.some((dir) => inside(dir, real)))
    throw new ImageLoadError(`Image path leaves the site folder: ${src}`)
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(real)
  } catch {
    throw new ImageLoadError(`Image file not found: ${file}`)
  }
  if (!info.isFile()) throw new ImageLoadError(`Not a file: ${file}`)
  if (info.size > max) throw new ImageLoadError(`Image is larger than ${max} bytes: ${file}`)
  const bytes = new Uint8Array(await readFile(real))
  const { size, mtimeMs, ctimeMs, ino } = info
  return { kind: 'bytes', bytes, origin: { type: 'file', path: file, size, mtimeMs, ctimeMs, ino } }
}

const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (try again)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
}

/**
 * Why a download failed, in words: a timeout, a refused address, or the network cause (DNS,
 * refused, reset, TLS) that Node's fetch hides behind "fetch failed" in `error.cause`.
 */
export function fetchFailure(error: unknown): string {
  const err = error as Error & { code?: string; cause?: { code?: string; message?: string } }
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out'
  if (err?.name === 'RefusedAddressError') return `refused: ${err.message}`
  const code = err?.code ?? err?.cause?.code
  if (code) return NETWORK_CAUSES[code] ?? `${err.cause?.message ?? err.message} (${code})`
  return err?.cause?.message ?? err?.message ?? String(error)
}

/**
 * Why a real run would refuse the remote image `url` without describing it, for a dry run (which
 * reaches nothing and counts remote images by URL): the public-address rule on the host as
 * written. Downloads (`'download'`) refuse it unless the host is in `allowHosts` (a `fetch` of
 * one's own checks nothing); the API (`'url'`) fetches public addresses only. A public name that
 * resolves to a private address shows only when a real run resolves it.
 */
export function refusedRemote(
  url: string,
  options: {
    remoteImages: 'download' | 'url'
    allowHosts?: readonly string[] | undefined
    fetch?: typeof fetch | undefined
  },
): string | undefined {
  let host: string
  try {
    host = new URL(url).hostname
  } catch (error) {
    return options.remoteImages === 'download' && !options.fetch
      ? `Could not download ${url}: ${fetchFailure(error)}`
      : undefined
  }
  if (options.remoteImages === 'url') {
    const refused = refusedHost(host)
    return refused ? `${refused} Only public addresses are fetched.` : undefined
  }
  if (options.fetch) return undefined
  if ((options.allowHosts ?? []).some((allowed) => normalizeHost(allowed) === normalizeHost(host)))
    return undefined
  const refused = refusedHost(host)
  return refused ? `Could not download ${url}: refused: ${host}: ${refused}` : undefined
}

/** Downloads `url` with a timeout, refusing bodies over `max` bytes (read as a stream). */
async function download(url: string, options: LoadOptions): Promise<Uint8Array> {
  let response: Response
  try {
    response = await options.fetch(url, {
      signal: AbortSignal.timeout(options.fetchTimeoutMs),
      redirect: 'follow',
    })
  } catch (error) {
    throw new ImageLoadError(`Could not download ${url}: ${fetchFailure(error)}`)
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined)
    throw new ImageLoadError(`Could not download ${url}: HTTP ${response.status}`)
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > options.maxImageBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new ImageLoadError(`Image is larger than ${options.maxImageBytes} bytes: ${url}`)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body?.getReader()
  if (!reader) return new Uint8Array(await response.arrayBuffer())
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > options.maxImageBytes) {
        await reader.cancel().catch(() => undefined)
        throw new ImageLoadError(`Image is larger than ${options.maxImageBytes} bytes: ${url}`)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof ImageLoadError) throw error
    throw new ImageLoadError(`Could not download ${url}: ${(error as Error).message}`)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/** True when `child` is `parent` or inside it. */
function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** Loads the image `src` of `file` (see the module comment). Throws `ImageLoadError`. */
export async function loadImage(
  src: string,
  file: VFile,
  options: LoadOptions,
): Promise<LoadedImage> {
  if (!src) throw new ImageLoadError('The image has no src')
  const custom = await options.resolveImage?.(src, file)
  if (custom) return { kind: 'bytes', bytes: custom, origin: { type: 'resolved' } }
  if (/^data:/i.test(src))
    return { kind: 'bytes', bytes: decodeDataUrl(src), origin: { type: 'data' } }
  const absolute = src.startsWith('//') ? `https:${src}` : src
  if (/^https?:\/\//i.test(absolute)) {
    if (options.remoteImages === 'skip')
      return { kind: 'skip', reason: 'remote images are skipped' }
    if (options.remoteImages === 'url') return { kind: 'url', url: absolute }
    return {
      kind: 'bytes',
      bytes: await download(absolute, options),
      origin: { type: 'download' },
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(src)) throw new ImageLoadError(`Unsupported image URL: ${src}`)
  const path = localPath(src)
  if (path.startsWith('/')) {
    const base = options.basePath.endsWith('/') ? options.basePath : `${options.basePath}/`
    const withinBase = path.startsWith(base) ? path.slice(base.length - 1) : path
    const target = resolve(options.publicDir, `.${withinBase}`)
    if (!inside(resolve(options.publicDir), target))
      throw new ImageLoadError(`Image path leaves the public folder: ${src}`)
    return await readLocal(target, src, [options.publicDir], options.maxImageBytes)
  }
  if (!file.path) throw new ImageLoadError(`Relative image path without a file path: ${src}`)
  const target = resolve(dirname(file.path), path)
  return await readLocal(target, src, [options.root, options.publicDir], options.maxImageBytes)
}
