/**
 * Pages in the encoding they declare: UTF-8, or a legacy one named by `<meta charset>` (or the
 * `http-equiv` form) such as ISO-8859-1 or windows-1252, read and written with iconv-lite. Only an
 * encoding that round-trips the page byte for byte is used, so nothing but the added `alt`
 * changes; a character the encoding lacks is written as a numeric character reference.
 */
import { isUtf8 } from 'node:buffer'
import { createRequire } from 'node:module'

type Iconv = typeof import('iconv-lite')
let iconvModule: Iconv | undefined
/** iconv-lite, loaded for the first legacy-encoded page only (most sites are all UTF-8). */
const loadIconv = (): Iconv => {
  iconvModule ??= createRequire(import.meta.url)('iconv-lite') as Iconv
  return iconvModule
}

/** A page's text and how to write it back, or why it is left alone. */
export type DecodedPage =
  /** `encode` gives UTF-8 pages back as the string (written as UTF-8), others as bytes. */
  | { ok: true; text: string; encoding: string; encode: (html: string) => string | Buffer }
  | { ok: false; reason: string }

/** The charset a page declares in its first 1024 bytes (the HTML prescan), lower case. */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1')
  const match = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)
  return match?.[1]?.toLowerCase()
}

// The string itself: `writeAtomic` writes it as UTF-8 in chunks (no whole copy as bytes).
const utf8 = (html: string) => html

/** Decodes `bytes` (see the module comment). */
export function decodePage(bytes: Buffer): DecodedPage {
  // Checked in place (no re-encoded copy of a 20 MiB page just to compare it).
  if (isUtf8(bytes))
    return { ok: true, text: bytes.toString('utf8'), encoding: 'utf-8', encode: utf8 }
  const charset = declaredCharset(bytes)
  const iconv = loadIconv()
  if (!charset || /^utf-?8$/.test(charset) || !iconv.encodingExists(charset))
    return { ok: false, reason: charset ? `not UTF-8 (declared ${charset})` : 'not UTF-8' }
  const decoded = iconv.decode(bytes, charset)
  if (!iconv.encode(decoded, charset).equals(bytes))
    return { ok: false, reason: `not valid ${charset}` }
  const fits = new Map<string, boolean>()
  const encode = (html: string) => {
    let out = ''
    for (const char of html) {
      let ok = fits.get(char)
      if (ok === undefined) {
        ok = iconv.decode(iconv.encode(char, charset), charset) === char
        fits.set(char, ok)
      }
      out += ok ? char : `&#${char.codePointAt(0)};`
    }
    return iconv.encode(out, charset)
  }
  return { ok: true, text: decoded, encoding: charset, encode }
}
