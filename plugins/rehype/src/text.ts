/** Small text helpers for hast. */
import type { Nodes } from 'hast'
import { toString as hastToString } from 'hast-util-to-string'

/** The text of a node with whitespace collapsed. */
export function textOf(node: Nodes): string {
  return hastToString(node).replace(/\s+/g, ' ').trim()
}

/** `text` cut at a word to at most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`
}
