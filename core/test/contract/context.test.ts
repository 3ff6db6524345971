import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { AltTextRequest, clipText, formatContext, LIMITS } from '../../src/index.js'

const MAX = LIMITS.maxContextLength

describe('formatContext', () => {
  it('writes labelled lines in a fixed order', () => {
    expect(
      formatContext({
        text: 'Fresh bread every morning.',
        caption: 'Our  oven',
        title: 'Bakery',
        heading: 'Visit us',
      }),
    ).toBe(
      'Page title: Bakery\nSection heading: Visit us\nCaption: Our oven\nNearby text: Fresh bread every morning.',
    )
  })

  it('says where a link leads, and asks for the link purpose when the image is all of it', () => {
    expect(formatContext({ link: { href: '/menu', only: true } })).toBe(
      'The image is the only content of a link to /menu: the alt text should say where the link leads.',
    )
    expect(formatContext({ link: { text: 'Our menu', href: '/menu' } })).toBe(
      'Link text: Our menu\nThe image is inside a link to /menu.',
    )
    expect(formatContext({ link: { only: true } })).toBe(
      'The image is the only content of a link: the alt text should say where the link leads.',
    )
  })

  it('names the file after the other labelled lines', () => {
    expect(formatContext({ fileName: 'harbour-lights', title: 'Our town' })).toBe(
      'Page title: Our town\nFile name: harbour-lights',
    )
  })

  it('folds white space and skips empty parts', () => {
    expect(formatContext({ title: '  A\n\n title\t', caption: '   ', text: '' })).toBe(
      'Page title: A title',
    )
    expect(formatContext({})).toBeUndefined()
    expect(formatContext({ title: ' ', link: {} })).toBeUndefined()
  })

  it('clips each part to its share', () => {
    const context = formatContext({ title: 'word '.repeat(100) }) as string
    const title = context.slice('Page title: '.length)
    expect(title.length).toBeLessThanOrEqual(200)
    expect(title.endsWith('word…')).toBe(true)
  })

  it('keeps a context of exactly the limit whole', () => {
    const prefix = 'Nearby text: '
    const text = 'x'.repeat(MAX - prefix.length)
    const context = formatContext({ text }) as string
    expect(context).toHaveLength(MAX)
    expect(context).toBe(prefix + text)
  })

  it('clips one character over the limit to exactly the limit', () => {
    const prefix = 'Nearby text: '
    const text = 'x'.repeat(MAX - prefix.length + 1)
    const context = formatContext({ text }) as string
    expect(context).toHaveLength(MAX)
    expect(context.endsWith('…')).toBe(true)
  })

  it('never exceeds the limit however much is given, and the API accepts it', () => {
    const long = 'lorem ipsum '.repeat(1000)
    const context = formatContext({
      title: long,
      heading: long,
      caption: long,
      text: long,
      link: { text: long, href: `https://example.com/${'a'.repeat(3000)}`, only: true },
    }) as string
    expect(context.length).toBeLessThanOrEqual(MAX)
    const parsed = v.safeParse(AltTextRequest, { imageUrl: 'https://example.com/a.png', context })
    expect(parsed.success).toBe(true)
  })
})

describe('clipText', () => {
  it('leaves text of exactly max alone', () => {
    expect(clipText('a'.repeat(2000), 2000)).toHaveLength(2000)
  })

  it('cuts 2001 characters to 2000, ellipsis included', () => {
    const clipped = clipText('a'.repeat(2001), 2000)
    expect(clipped).toHaveLength(2000)
    expect(clipped.endsWith('…')).toBe(true)
  })

  it('cuts at a word when one is in the second half', () => {
    expect(clipText('alpha beta gamma', 12)).toBe('alpha beta…')
    expect(clipText('a verylongword', 10)).toBe('a verylon…')
  })

  it('never splits a surrogate pair', () => {
    const clipped = clipText(`${'a'.repeat(8)}😀😀`, 10)
    expect(clipped).toBe(`${'a'.repeat(8)}…`)
    expect(clipText('😀😀😀', 4)).toBe('😀…')
  })
})
