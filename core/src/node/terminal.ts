/**
 * Text from pages or the API printed to a terminal or a CI log: nothing in it may drive the
 * terminal (ANSI escapes, C0/C1 controls, bidi overrides) or the CI runner (a `::error::` workflow
 * command at the start of a line).
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte ESC sequences, 8-bit CSI.
const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]|\u009b[0-?]*[ -/]*[@-~]/g
// C0 (newlines and tabs too: one message is one line), DEL, C1, bidi embeddings and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g

/**
 * `text` made safe for one line of a terminal or CI log: escape sequences removed, other control
 * characters (line breaks included) turned into a space, and a leading `::` (a GitHub Actions
 * workflow command) neutralised.
 */
export function sanitizeForTerminal(text: string): string {
  const clean = text.replace(ANSI, '').replace(CONTROLS, ' ')
  return clean.startsWith('::') ? `\u200b${clean}` : clean
}

/**
 * An image source short enough for a message: a `data:` URL becomes its media type and size
 * (`data:image/png;base64,… (2048 chars)`), anything longer than `max` is cut with an ellipsis.
 * The result is sanitised.
 */
export function displaySource(src: string, max = 120): string {
  const data = /^data:([^,]{0,60}),/i.exec(src)
  const short = data
    ? `data:${data[1]},… (${src.length - data[0].length} chars)`
    : src.length > max
      ? `${src.slice(0, max - 1)}…`
      : src
  return sanitizeForTerminal(short)
}
