/**
 * Alt text as it is written into a source file: between `[` and `]` of a Markdown image, or as a
 * JSX attribute value. Parsing the written file gives back exactly the text (tested by a
 * round-trip property test).
 */

/**
 * Backslash-escapes what Markdown (CommonMark, GFM, MDX) would read as markup inside an image
 * label: brackets and the backslash itself, emphasis and code marks, HTML/JSX and entity starts,
 * MDX expressions, GFM strikethrough and table pipes, footnote and math marks. CommonMark allows
 * a backslash before any ASCII punctuation, so the escape always reads back as the character.
 * Line breaks become spaces (alt text is one line).
 */
export function escapeMarkdownAlt(text: string): string {
  return oneLine(text).replace(/[\\[\]*_`<>&{}~|^$!]/g, (c) => `\\${c}`)
}

/** C0 controls other than white space, and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g

/** Control characters dropped, white space runs as one space, trimmed. */
function oneLine(text: string): string {
  return text.replace(CONTROLS, '').replace(/\s+/g, ' ').trim()
}

/** Text for a double-quoted JSX attribute value in MDX (character references are decoded). */
export function escapeJsxAttribute(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;')
}
