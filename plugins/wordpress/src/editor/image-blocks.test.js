import { describe, expect, it } from '@jest/globals'
import { altAttributes, findImages, findImagesWithoutAlt, imageOf } from './image-blocks'

/**
 * @param {string} clientId
 * @param {Record<string, unknown>} attributes
 * @param {import('./image-blocks').Block[]} [innerBlocks]
 */
const image = (clientId, attributes, innerBlocks = []) => ({
  name: 'core/image',
  clientId,
  attributes,
  innerBlocks,
})

describe('image blocks', () => {
  it('reads image, media-text and cover blocks', () => {
    expect(imageOf(image('a', { id: 3, url: 'u', alt: ' x ' }))).toEqual({
      clientId: 'a',
      name: 'core/image',
      attachmentId: 3,
      url: 'u',
      alt: 'x',
      decorative: false,
    })
    expect(
      imageOf({
        name: 'core/media-text',
        clientId: 'm',
        attributes: { mediaId: 4, mediaUrl: 'm.jpg', mediaAlt: '', mediaType: 'image' },
      })?.attachmentId,
    ).toBe(4)
    expect(
      imageOf({
        name: 'core/media-text',
        clientId: 'v',
        attributes: { mediaUrl: 'v.mp4', mediaType: 'video' },
      }),
    ).toBeNull()
    expect(
      imageOf({
        name: 'core/cover',
        clientId: 'c',
        attributes: { url: 'c.jpg', useFeaturedImage: true },
      }),
    ).toBeNull()
    expect(
      imageOf({ name: 'core/cover', clientId: 'c', attributes: { url: 'c.jpg', alt: '' } })?.url,
    ).toBe('c.jpg')
    expect(imageOf(image('e', { alt: '' }))).toBeNull()
    expect(imageOf({ name: 'core/paragraph', attributes: {} })).toBeNull()
  })

  it('finds images without alt in nested blocks, skipping decorative ones', () => {
    const blocks = [
      image('1', { url: 'a', alt: '' }),
      {
        name: 'core/group',
        clientId: 'g',
        attributes: {},
        innerBlocks: [
          image('2', { url: 'b', alt: 'has alt' }),
          image('3', { url: 'c', alt: '', alttextapiDecorative: true }),
          image('4', { url: 'd' }),
        ],
      },
    ]
    expect(findImages(blocks).map((i) => i.clientId)).toEqual(['1', '2', '3', '4'])
    expect(findImagesWithoutAlt(blocks).map((i) => i.clientId)).toEqual(['1', '4'])
  })

  it('maps alt to the right attribute', () => {
    expect(altAttributes('core/media-text', 'x')).toEqual({ mediaAlt: 'x' })
    expect(altAttributes('core/image', 'y')).toEqual({ alt: 'y' })
    expect(altAttributes('core/quote', 'z')).toEqual({})
  })
})
