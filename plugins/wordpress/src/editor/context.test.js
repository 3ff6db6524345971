import { blockText, buildContext, nearbyText, plainText } from './context'

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
    expect(buildContext({ title: 'Bakery', blocks, clientId: 'img' })).toBe(
      'Page title: Bakery\nCaption: A red door\nNearby text: Before. … After.',
    )
  })

  it('stays within the API limit of 2000 characters', () => {
    const long = 'word '.repeat(2000)
    const blocks = [
      p('a', long),
      { name: 'core/image', clientId: 'img', attributes: { caption: long }, innerBlocks: [] },
      p('b', long),
    ]
    expect(buildContext({ title: long, blocks, clientId: 'img' }).length).toBeLessThanOrEqual(2000)
  })
})
