/** Picking the image to describe from `src`, `srcset` and `<picture>` sources. */

/** One `srcset` candidate. */
export interface SrcsetCandidate {
  url: string
  /** Width descriptor (`640w`). */
  width?: number
  /** Pixel density descriptor (`2x`); 1 when none is given. */
  density?: number
}

/**
 * Parses a `srcset` (string, or hast's comma-split array). URLs may contain commas (only when not
 * followed by a space, as the HTML spec's parser reads them).
 */
export function parseSrcset(value: string | Array<string | number>): SrcsetCandidate[] {
  const text = Array.isArray(value) ? value.join(', ') : value
  const candidates: SrcsetCandidate[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i] as string)) i++
    const start = i
    while (i < text.length && !/\s/.test(text[i] as string)) i++
    let url = text.slice(start, i)
    let descriptor = ''
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '')
    } else {
      const comma = text.indexOf(',', i)
      const end = comma === -1 ? text.length : comma
      descriptor = text.slice(i, end).trim()
      i = end + 1
    }
    if (!url) continue
    const candidate: SrcsetCandidate = { url }
    const w = /^(\d+)w$/i.exec(descriptor)
    const x = /^(\d+(?:\.\d+)?)x$/i.exec(descriptor)
    if (w) candidate.width = Number(w[1])
    else if (x) candidate.density = Number(x[1])
    else candidate.density = 1
    candidates.push(candidate)
  }
  return candidates
}

/**
 * The candidate worth describing: with width descriptors, the smallest at least `targetWidth`
 * wide (larger ones would be downscaled to it anyway), else the widest; with densities, the
 * sharpest up to 2x. Undefined when there is no candidate.
 */
export function pickCandidate(
  candidates: SrcsetCandidate[],
  targetWidth = 1024,
): string | undefined {
  const widths = candidates.filter((c) => c.width !== undefined)
  if (widths.length > 0) {
    const sorted = [...widths].sort((a, b) => (a.width ?? 0) - (b.width ?? 0))
    return (sorted.find((c) => (c.width ?? 0) >= targetWidth) ?? sorted[sorted.length - 1])?.url
  }
  const densities = candidates
    .filter((c) => (c.density ?? 1) <= 2)
    .sort((a, b) => (b.density ?? 1) - (a.density ?? 1))
  return (densities[0] ?? candidates[0])?.url
}
