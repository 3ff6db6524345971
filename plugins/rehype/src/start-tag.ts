/**
 * A scanner for one start tag's source text, following the HTML tokenizer's attribute rules, so an
 * attribute can be added or a value replaced without touching a byte of the rest of the page.
 */

/** One attribute as written. */
export interface SourceAttribute {
  name: string
  /** Offsets into the scanned text. */
  start: number
  end: number
  /** Offsets of the value inside quotes (or unquoted); undefined when there is no `=value`. */
  valueStart?: number
  valueEnd?: number
}

/** The attributes of the start tag at `text[start]` (`<`), and where a new one can go. */
export interface ScannedTag {
  attributes: SourceAttribute[]
  /** Offset of the closing `>` (or `text.length` when the tag never closes). */
  close: number
  /** Offset of a self-closing `/` right before `>`, if any. */
  selfClosing?: number
}

const WS = /[\t\n\f\r ]/

/** Scans the start tag beginning at `start`. */
export function scanStartTag(text: string, start: number): ScannedTag {
  let i = start + 1
  while (i < text.length && !WS.test(text[i] as string) && text[i] !== '/' && text[i] !== '>') i++
  const attributes: SourceAttribute[] = []
  let selfClosing: number | undefined
  while (i < text.length) {
    const c = text[i] as string
    if (WS.test(c)) {
      i++
      continue
    }
    if (c === '>') return { attributes, close: i, selfClosing }
    if (c === '/') {
      // A solidus counts as self-closing only right before `>`; elsewhere it is skipped.
      if (text[i + 1] === '>') selfClosing = i
      i++
      continue
    }
    selfClosing = undefined
    const nameStart = i
    // The first character may be `=` (a parse error, but part of the name).
    i++
    while (i < text.length && !WS.test(text[i] as string) && !'/>='.includes(text[i] as string)) i++
    const attribute: SourceAttribute = {
      name: text.slice(nameStart, i).toLowerCase(),
      start: nameStart,
      end: i,
    }
    let j = i
    while (j < text.length && WS.test(text[j] as string)) j++
    if (text[j] === '=') {
      j++
      while (j < text.length && WS.test(text[j] as string)) j++
      const quote = text[j]
      if (quote === '"' || quote === "'") {
        const closeQuote = text.indexOf(quote, j + 1)
        const valueEnd = closeQuote === -1 ? text.length : closeQuote
        attribute.valueStart = j + 1
        attribute.valueEnd = valueEnd
        i = Math.min(text.length, valueEnd + 1)
      } else {
        const valueStart = j
        while (j < text.length && !WS.test(text[j] as string) && text[j] !== '>') j++
        attribute.valueStart = valueStart
        attribute.valueEnd = j
        i = j
      }
      attribute.end = i
    }
    attributes.push(attribute)
  }
  return { attributes, close: text.length, selfClosing }
}

/** `value` escaped for a double-quoted attribute. */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/** One edit of the source text. */
export interface Edit {
  start: number
  end: number
  text: string
}

/**
 * The edit that gives the start tag at `start` the attribute `name="value"`: the first existing
 * `name` attribute's value is replaced (HTML uses the first), else the attribute is added at the
 * end of the attribute list, before `/>` or `>`.
 */
export function setAttributeEdit(text: string, start: number, name: string, value: string): Edit {
  const tag = scanStartTag(text, start)
  const escaped = escapeAttribute(value)
  const existing = tag.attributes.find((a) => a.name === name)
  if (existing) {
    if (existing.valueStart !== undefined && existing.valueEnd !== undefined) {
      const quoted = text[existing.valueStart - 1] === '"' || text[existing.valueStart - 1] === "'"
      return quoted
        ? { start: existing.valueStart - 1, end: existing.valueEnd + 1, text: `"${escaped}"` }
        : { start: existing.valueStart, end: existing.valueEnd, text: `"${escaped}"` }
    }
    return { start: existing.start, end: existing.end, text: `${name}="${escaped}"` }
  }
  const at = tag.selfClosing ?? tag.close
  const attribute = `${name}="${escaped}"`
  // After whitespace, the new attribute takes the place and keeps the whitespace after it.
  const before = text[at - 1]
  if (before !== undefined && WS.test(before)) return { start: at, end: at, text: `${attribute} ` }
  return { start: at, end: at, text: ` ${attribute}` }
}

/** Applies non-overlapping edits (any order) from the end backwards, so offsets stay valid. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  }
  return out
}
