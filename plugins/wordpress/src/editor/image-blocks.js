/**
 * Which blocks carry an image with alt text, and where their attributes live. Pure functions over
 * block objects ({ name, clientId, attributes, innerBlocks }) so they can be unit tested.
 */

/**
 * A block as the block editor holds it (only what this plugin reads).
 * @typedef {{
 *   name: string,
 *   clientId?: string,
 *   attributes: Record<string, any>,
 *   innerBlocks?: Block[],
 * }} Block
 */

/**
 * Where a block type keeps its image's alt, attachment id and URL.
 * @typedef {{
 *   alt: string,
 *   id: string,
 *   url: string,
 *   hasImage: (attributes: Record<string, any>) => boolean,
 * }} ImageBlockSpec
 */

/**
 * The image facts of one block.
 * @typedef {{
 *   clientId: string,
 *   name: string,
 *   attachmentId: number,
 *   url: string,
 *   alt: string,
 *   decorative: boolean,
 * }} BlockImage
 */

/**
 * Attribute names per block type; `hasImage` tells whether the block shows an image now.
 * @type {Record<string, ImageBlockSpec | undefined>}
 */
export const IMAGE_BLOCKS = {
  'core/image': { alt: 'alt', id: 'id', url: 'url', hasImage: (a) => Boolean(a.url) },
  'core/media-text': {
    alt: 'mediaAlt',
    id: 'mediaId',
    url: 'mediaUrl',
    hasImage: (a) => Boolean(a.mediaUrl) && (a.mediaType ?? 'image') === 'image',
  },
  'core/cover': {
    alt: 'alt',
    id: 'id',
    url: 'url',
    hasImage: (a) =>
      Boolean(a.url) && !a.useFeaturedImage && (a.backgroundType ?? 'image') === 'image',
  },
}

/** Block attribute this plugin adds: an editor's explicit "decorative, no alt" choice. */
export const DECORATIVE_ATTRIBUTE = 'alttextapiDecorative'

/**
 * Image facts of a block, or null when it has no image.
 * @param {Block} block
 * @returns {BlockImage | null}
 */
export function imageOf(block) {
  const spec = IMAGE_BLOCKS[block.name]
  if (!spec) return null
  const a = block.attributes ?? {}
  if (!spec.hasImage(a)) return null
  return {
    clientId: block.clientId ?? '',
    name: block.name,
    attachmentId: typeof a[spec.id] === 'number' ? a[spec.id] : 0,
    url: String(a[spec.url] ?? ''),
    alt: String(a[spec.alt] ?? '').trim(),
    decorative: a[DECORATIVE_ATTRIBUTE] === true,
  }
}

/**
 * Every image block in a tree (depth first, in document order).
 * @param {Block[]} blocks
 * @returns {BlockImage[]}
 */
export function findImages(blocks) {
  /** @type {BlockImage[]} */
  const out = []
  /** @param {Block[] | undefined} list */
  const walk = (list) => {
    for (const block of list ?? []) {
      const image = imageOf(block)
      if (image) out.push(image)
      walk(block.innerBlocks)
    }
  }
  walk(blocks)
  return out
}

/**
 * Images that need alt text: no alt, not marked decorative.
 * @param {Block[]} blocks
 */
export function findImagesWithoutAlt(blocks) {
  return findImages(blocks).filter((image) => image.alt === '' && !image.decorative)
}

/**
 * The attributes to set on a block to give it `alt`.
 * @param {string} blockName
 * @param {string} alt
 */
export function altAttributes(blockName, alt) {
  const spec = IMAGE_BLOCKS[blockName]
  return spec ? { [spec.alt]: alt } : {}
}
