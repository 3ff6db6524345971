import { describe, expect, it } from '@jest/globals'
import { blockText, contextParts, nearbyText, plainText } from './context'

/**
 * @param {string} clientId
 * @param {string} content
 */
const p = (clientId, content) => ({
  name: 'core/paragraph',
  clientId,
  attributes: { content },
  innerBlocks: [],
})

describe('context', () => {
  it('strips markup and entities', () => {
    expect(plainText('<strong>Fresh</strong>&nbsp;bread &amp; rolls')).toBe('Fresh bread & rolls')
    expect(plainText(undefined)).toBe('')
    expect(plainText({ toString: () => '<em>rich</em>' })).toBe('rich')
  })

  it('collects text around a nested block, nearest first', () => {
    const blocks = [
      p('a', 'Far away.'),
      {
        name: 'core/group',
        clientId: 'g',
        attributes: {},
        innerBlocks: [
          p('b', 'Before.'),
          {
            name: 'core/image',
            clientId: 'img',
            attributes: { caption: 'A <b>red</b> door' },
            innerBlocks: [],
          },
          p('c', 'After.'),
        ],
      },
    ]
    expect(nearbyText(blocks, 'img')).toEqual({ before: 'Before.', after: 'After.' })
    expect(blockText(blocks[1])).toContain('A red door')
    expect(contextParts({ title: '<em>Bakery</em>', blocks, clientId: 'img' })).toEqual({
      title: 'Bakery',
      caption: 'A red door',
      text: 'Before. … After.',
    })
  })

  it('keeps a few hundred characters of nearby text on each side', () => {
    const long = 'word '.repeat(2000)
    const blocks = [
      p('a', long),
      { name: 'core/image', clientId: 'img', attributes: { caption: 'Door' }, innerBlocks: [] },
      p('b', long),
    ]
    const parts = contextParts({ blocks, clientId: 'img' })
    expect(parts.title).toBe('')
    expect(parts.caption).toBe('Door')
    expect(parts.text.length).toBeLessThanOrEqual(600 + 3 + 600)
  })
})
