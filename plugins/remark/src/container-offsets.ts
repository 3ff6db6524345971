/**
 * Where a character of an mdast `html` node's value is in the source. Inside a block quote or a
 * list item the value has the container's prefix (`> `, the item's indentation, and the white
 * space after it) cut from each continuation line, so a multi-line `<img>` there is not a slice
 * of the source: each line of the value is the end of its line of the source.
 */

const EOL = /\r\n|\r|\n/g

/** Offsets of the line starts of `text`, and each line's length without its ending. */
function lines(text: string): { start: number; length: number }[] {
  const found: { start: number; length: number }[] = []
  let start = 0
  for (const match of text.matchAll(EOL)) {
    found.push({ start, length: match.index - start })
    start = match.index + match[0].length
  }
  found.push({ start, length: text.length - start })
  return found
}

/**
 * A function from offsets in `value` (an html node's value) to offsets in `source` (the text the
 * node's position counts in, the node starting at `start` and ending at `end`), or undefined when
 * the value cannot be matched line by line to that stretch of the source.
 */
export function valueToSource(
  source: string,
  start: number,
  end: number,
  value: string,
): ((offset: number) => number) | undefined {
  const slice = source.slice(start, end)
  if (slice === value) return (offset) => start + offset
  const inValue = lines(value)
  const inSource = lines(slice)
  if (inValue.length !== inSource.length) return undefined
  const shifts: number[] = []
  for (let i = 0; i < inValue.length; i++) {
    const v = inValue[i] as { start: number; length: number }
    const s = inSource[i] as { start: number; length: number }
    const text = value.slice(v.start, v.start + v.length)
    const sourceLine = slice.slice(s.start, s.start + s.length)
    if (!sourceLine.endsWith(text)) return undefined
    shifts.push(start + s.start + (s.length - v.length) - v.start)
  }
  return (offset) => {
    let line = 0
    while (line + 1 < inValue.length && (inValue[line + 1] as { start: number }).start <= offset)
      line++
    return offset + (shifts[line] as number)
  }
}
