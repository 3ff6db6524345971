/** The alt-text lint rules: true positives and the look-alikes they must let through. */
import { describe, expect, it } from 'vitest'
import { duplicateAlts, lintAlt } from '../../src/node/alt-lint.js'

const rules = (alt: string, context = {}) => lintAlt(alt, context).map((p) => p.rule)

describe('lintAlt', () => {
  it('finds file names, URLs, placeholders, "image of", a repeated caption, too long', () => {
    expect(rules('IMG_2041.jpg')).toEqual(['file-name'])
    expect(rules('https://cdn.example.com/a.png')).toEqual(['file-name'])
    expect(rules('hero-banner', { src: '/img/hero-banner?v=2' })).toEqual(['file-name'])
    for (const alt of ['image', 'Photo.', 'logo', 'untitled', 'IMG_1234', 'DSC 0042', 'alt text'])
      expect(rules(alt)).toEqual(['placeholder'])
    expect(rules('Image of a cat on a sofa')).toEqual(['redundant-prefix'])
    expect(rules('A picture of the team')).toEqual(['redundant-prefix'])
    expect(rules('Sunset over the bay', { caption: ' sunset over  the bay ' })).toEqual([
      'repeats-caption',
    ])
    expect(rules('x'.repeat(151))).toEqual(['too-long'])
    expect(rules('Home', { text: 'Home' })).toEqual(['repeats-text'])
    expect(
      rules('Our new office in Lisbon', { text: 'Welcome to our new office in Lisbon!' }),
    ).toEqual(['repeats-text'])
  })

  it('repeats-text: only the whole text, or four words and more inside it', () => {
    // A short name inside longer text is a fine alt text.
    expect(rules('Ada Lovelace', { text: 'Ada Lovelace wrote the first program.' })).toEqual([])
    // Not a run of whole words.
    expect(rules('new office in Lis', { text: 'Our new office in Lisbon opened.' })).toEqual([])
    // The caption rule wins when both hold.
    expect(rules('The harbour', { caption: 'The harbour', text: 'The harbour' })).toEqual([
      'repeats-caption',
    ])
  })

  it('lets real descriptions through', () => {
    for (const alt of [
      'A cat asleep on a green sofa',
      'Company logo: ACME, a red anvil',
      'Screenshot of the settings page with Dark mode on',
      'Imagery from the 1969 Moon landing',
      'Photographer at work in a studio',
      'Chart: sales doubled from 2023 to 2024',
    ])
      expect(rules(alt, { src: '/img/photo-1.jpg', caption: 'Figure 1' })).toEqual([])
    expect(rules('')).toEqual([])
    expect(rules('x'.repeat(150))).toEqual([])
  })
})

describe('duplicateAlts', () => {
  it('flags the same text on another source, not the same image twice', () => {
    expect(
      duplicateAlts([
        { alt: 'A red bicycle', src: '/a.png' },
        { alt: 'A red bicycle', src: '/a.png' },
        { alt: 'a red  bicycle', src: '/b.png' },
        { alt: 'A blue bicycle', src: '/c.png' },
      ]),
    ).toEqual([2])
  })
})
