/** Small text helpers for hast. */
import type { Nodes } from 'hast'
import { toString as hastToString } from 'hast-util-to-string'

/** The text of a node with whitespace collapsed. */
export function textOf(node: Nodes): string {
  return hastToString(node).replace(/\s+/g, ' ').trim()
}
