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
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\[\]*_`<>&{}~|^$!]/g, (c) => `\\${c}`)
}

/** Text for a double-quoted JSX attribute value in MDX (character references are decoded). */
export function escapeJsxAttribute(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/"/g, '&quot;')
}
