/**
 * Context sent with an image: the post title, the block's caption and the text of the blocks
 * around it. Pure functions.
 */

/** @typedef {import('./image-blocks').Block} Block */

const NEARBY_CHARS = 600

/**
 * Plain text of a rich-text value (string or RichTextData), without markup.
 * @param {unknown} value
 */
export function plainText(value) {
  if (value === undefined || value === null) return ''
  const html = String(value)
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Text of one block: its content/caption/citation attributes and its inner blocks.
 * @param {Block | undefined} block
 * @returns {string}
 */
export function blockText(block) {
  if (!block) return ''
  const a = block.attributes ?? {}
  const own = [a.content, a.value, a.citation, a.caption].map(plainText).filter(Boolean)
  const inner = (block.innerBlocks ?? []).map(blockText).filter(Boolean)
  return [...own, ...inner].join(' ')
}

/**
 * Finds the list of siblings holding `clientId`, and its index there.
 * @param {Block[] | undefined} blocks
 * @param {string} clientId
 * @returns {{siblings: Block[], index: number} | null}
 */
function locate(blocks, clientId) {
  if (!blocks) return null
  for (const [i, block] of blocks.entries()) {
    if (block.clientId === clientId) return { siblings: blocks, index: i }
    const found = locate(block.innerBlocks, clientId)
    if (found) return found
  }
  return null
}

/**
 * Text before and after a block, from its siblings (nearest first), each cut to a few hundred
 * characters.
 * @param {Block[]} blocks
 * @param {string} clientId
 */
export function nearbyText(blocks, clientId) {
  const found = locate(blocks, clientId)
  if (!found) return { before: '', after: '' }
  const { siblings, index } = found
  let before = ''
  for (let i = index - 1; i >= 0 && before.length < NEARBY_CHARS; i--) {
    before = `${blockText(siblings[i])} ${before}`.trim()
  }
  let after = ''
  for (let i = index + 1; i < siblings.length && after.length < NEARBY_CHARS; i++) {
    after = `${after} ${blockText(siblings[i])}`.trim()
  }
  return { before: before.slice(-NEARBY_CHARS), after: after.slice(0, NEARBY_CHARS) }
}

/**
 * The parts of an image block's context: the post title, the block's caption and the text
 * around it, as plain text. The server formats them into the context string with the contract's
 * format and limits (Generator::build_context, from the generated includes/contract.json), so the
 * editor holds no copy of that format.
 * @param {{title?: string, blocks: Block[], clientId: string}} input
 * @returns {{title: string, caption: string, text: string}}
 */
export function contextParts({ title, blocks, clientId }) {
  const found = locate(blocks, clientId)
  const caption = found ? plainText(found.siblings[found.index]?.attributes.caption) : ''
  const { before, after } = nearbyText(blocks, clientId)
  return {
    title: plainText(title),
    caption,
    text: [before, after].filter(Boolean).join(' … '),
  }
}
