/**
 * Editing one start tag in the source text: where the tokenizer (parse5's, through `scan.ts`)
 * found the tag and its `alt` attribute, so `alt` can be added or its value replaced without
 * touching any other byte of the page.
 */

/** Where a start tag is in the source text (offsets in UTF-16 code units of the page). */
export interface TagLocation {
  /** Offset of `<`. */
  start: number
  /** Offset just after the closing `>`. */
  end: number
  /** The tag ends with `/>`. */
  selfClosing: boolean
  /** The first `alt` attribute as written (HTML uses the first), from its name to its value's end. */
  alt?: { start: number; end: number } | undefined
  /** For an `<img>` in `<picture>`: the offset just after the picture's `</picture>`, when written. */
  afterPicture?: number | undefined
}

const WS = /[\t\n\f\r ]/

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
 * The edit that gives the tag `alt="value"`: the first `alt`'s value is replaced (quoted or not,
 * or `alt` without a value gets one), else the attribute is added at the end of the attribute
 * list, before `/>` or `>`.
 */
export function altEdit(html: string, tag: TagLocation, value: string): Edit {
  const quoted = `"${escapeAttribute(value)}"`
  if (tag.alt) {
    const { start, end } = tag.alt
    const equals = html.indexOf('=', start)
    if (equals === -1 || equals >= end) return { start, end, text: `alt=${quoted}` }
    let j = equals + 1
    while (j < end && WS.test(html[j] as string)) j++
    return { start: j, end, text: quoted }
  }
  const at = tag.selfClosing ? tag.end - 2 : tag.end - 1
  // After whitespace, the new attribute takes the place and keeps the whitespace after it.
  const before = html[at - 1]
  if (before !== undefined && WS.test(before)) return { start: at, end: at, text: `alt=${quoted} ` }
  return { start: at, end: at, text: ` alt=${quoted}` }
}

/**
 * The edit that adds `attributes` (name → value) at the end of the tag's attribute list, where
 * `altEdit` adds a missing `alt` (an edit at the same place applies after it).
 */
export function attributesEdit(
  html: string,
  tag: TagLocation,
  attributes: Record<string, string>,
): Edit {
  const text = Object.entries(attributes)
    .map(([name, value]) => `${name}="${escapeAttribute(value)}"`)
    .join(' ')
  const at = tag.selfClosing ? tag.end - 2 : tag.end - 1
  const before = html[at - 1]
  if (before !== undefined && WS.test(before)) return { start: at, end: at, text: `${text} ` }
  return { start: at, end: at, text: ` ${text}` }
}

/** Applies non-overlapping edits (any order) from the end backwards, so offsets stay valid. */
export function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text
  // One pass over the page: pieces joined once, not a copy of the page per edit.
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  const parts: string[] = []
  let at = 0
  for (const edit of sorted) {
    parts.push(text.slice(at, edit.start), edit.text)
    at = edit.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}
