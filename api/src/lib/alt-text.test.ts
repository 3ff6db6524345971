import { describe, expect, it } from 'vitest'
import { finishAltText } from './alt-text.js'

const finish = (raw: string, maxLength = 125, language = 'en') =>
  finishAltText(raw, { maxLength, language })
const length = (text: string) => Array.from(text).length

describe('finishAltText', () => {
  it('keeps a clean answer as it is', () => {
    expect(finish('A red bicycle leaning against a brick wall.')).toBe(
      'A red bicycle leaning against a brick wall.',
    )
  })

  it('removes "image of" style preambles and capitalises what is left', () => {
    expect(finish('Image of a red bicycle.')).toBe('A red bicycle.')
    expect(finish('A photo of a dog on a beach')).toBe('A dog on a beach')
    expect(finish('picture of two children reading')).toBe('Two children reading')
    expect(finish('An image showing a crowded market')).toBe('A crowded market')
    expect(finish('This image shows a mountain lake')).toBe('A mountain lake')
    expect(finish('The photograph depicts an old barn')).toBe('An old barn')
    expect(finish('In this image, a cat sleeps on a sofa')).toBe('A cat sleeps on a sofa')
    expect(finish('Close-up photo of a bee on a flower')).toBe('A bee on a flower')
  })

  it('treats an answer that is only the medium as empty (a model failure)', () => {
    expect(finish('Image of')).toBe('')
    expect(finish('Image of ')).toBe('')
    expect(finish('A photo.')).toBe('')
    expect(finish('"Picture showing:"')).toBe('')
    // A real description that happens to start with the word stays.
    expect(finish('Image of the Day banner with a lighthouse')).toBe(
      'The Day banner with a lighthouse',
    )
  })

  it('removes common translated preambles', () => {
    expect(finish('Ein Bild von einem roten Fahrrad', 125, 'de')).toBe('Einem roten Fahrrad')
    expect(finish('Das Bild zeigt einen Hund', 125, 'de')).toBe('Einen Hund')
    expect(finish("Une image d'un chat noir", 125, 'fr')).toBe('Un chat noir')
    expect(finish('Una foto de un perro', 125, 'es')).toBe('Un perro')
    expect(finish('Afbeelding van een fiets', 125, 'nl')).toBe('Een fiets')
  })

  it('keeps media that carry meaning', () => {
    expect(finish('Screenshot of the settings page')).toBe('Screenshot of the settings page')
    expect(finish('Logo of Acme Corp')).toBe('Logo of Acme Corp')
  })

  it('removes labels and surrounding quotes', () => {
    expect(finish('Alt text: "A red bicycle"')).toBe('A red bicycle')
    expect(finish('“A red bicycle”')).toBe('A red bicycle')
    expect(finish("'A red bicycle'")).toBe('A red bicycle')
    expect(finish('«Un vélo rouge»', 125, 'fr')).toBe('Un vélo rouge')
    expect(finish('"\'A red bicycle\'"')).toBe('A red bicycle')
  })

  it('keeps inner quotes that are part of the text', () => {
    expect(finish('"Stop" sign reading "Stop" at a crossing')).toBe(
      '"Stop" sign reading "Stop" at a crossing',
    )
  })

  it('strips HTML, including markup hidden in entities', () => {
    expect(finish('<p>A <b>red</b> bicycle</p>')).toBe('A red bicycle')
    expect(finish('A cat <script>alert(1)</script>')).not.toMatch(/[<>]/)
    expect(finish('A cat &lt;img src=x onerror=alert(1)&gt; on a mat')).toBe('A cat on a mat')
    expect(finish('Fish &amp; chips')).toBe('Fish & chips')
    expect(finish('1 < 2 > 0')).not.toMatch(/[<>]/)
  })

  it('decodes or removes every entity, with or without its semicolon', () => {
    expect(finish('Fish &amp chips')).toBe('Fish & chips')
    expect(finish('A cat &lt;b&gt bold&lt/b&gt on a mat')).toBe('A cat bold on a mat')
    expect(finish('A cat &#60script&#62alert(1)&#60/script&#62 naps')).not.toMatch(/[<>]|script/)
    expect(finish('A caf&eacute with a view&hellip')).toBe('A café with a view…')
    expect(finish('Logo &copy 2024, &#x41;&#66;C')).toBe('Logo © 2024, ABC')
    expect(finish('A red &bogus; bicycle &#; &#x;')).toBe('A red bicycle')
    expect(finish('Fish &amp;amp; chips')).toBe('Fish & chips')
    expect(finish('Nul &#0; byte')).toBe('Nul byte')
    // A bare ampersand in a name is text, not an entity.
    expect(finish('The AT&T and R&D buildings')).toBe('The AT&T and R&D buildings')
    for (const raw of ['&amp', '&lt;b&gt;x', '&nbsp&nbsp', 'x &quot y &apos z']) {
      expect(finish(raw)).not.toMatch(/&[a-z#][a-z0-9]*;?/i)
    }
  })

  it('strips Markdown', () => {
    expect(finish('**A red bicycle** against a _brick_ wall')).toBe(
      'A red bicycle against a brick wall',
    )
    expect(finish('# A heading')).toBe('A heading')
    expect(finish('- A list item')).toBe('A list item')
    expect(finish('```\nA red bicycle\n```')).toBe('A red bicycle')
    expect(finish('[Home page](https://example.com)')).toBe('Home page')
    expect(finish('`code` word')).toBe('Code word')
    expect(finish('snake_case_name stays')).toBe('Snake_case_name stays')
  })

  it('makes one line', () => {
    expect(finish('A red bicycle.\n\nIt leans against a wall.')).toBe(
      'A red bicycle. It leans against a wall.',
    )
    expect(finish('A\tred\u00a0bicycle\u2028here')).toBe('A red bicycle here')
    expect(finish('A red\u0000bicycle\u202e')).toBe('A red bicycle')
  })

  it('drops reasoning blocks', () => {
    expect(finish('<think>the user wants alt text</think>A red bicycle')).toBe('A red bicycle')
  })

  it('cuts at a word boundary within maxLength', () => {
    const raw =
      'A red bicycle leaning against a weathered brick wall in the warm afternoon sun beside a small cafe'
    const out = finish(raw, 40)
    expect(length(out)).toBeLessThanOrEqual(40)
    expect(raw.startsWith(out.replace(/\.$/, ''))).toBe(true)
    expect(out).toBe('A red bicycle leaning against.')
    expect(finish('A cat <script>alert(1)</script> on a mat')).toBe('A cat on a mat')
  })

  it('never leaves a trailing fragment', () => {
    expect(finish('A red bicycle, a blue car, and a green bus parked outside', 28)).toBe(
      'A red bicycle, a blue car.',
    )
    expect(finish('A diagram: inputs — outputs and more words', 20)).toBe('A diagram: inputs.')
  })

  it('adds a period only when it fits', () => {
    const out = finish('abcdefghij klmnopqrst uvwxyz', 21)
    expect(out).toBe('Abcdefghij klmnopqrst')
    expect(finish('abcdefghij klmnopqrst uvwxyz', 22)).toBe('Abcdefghij klmnopqrst.')
  })

  it('prefers a whole sentence when it keeps at least half the budget', () => {
    expect(
      finish('A red bicycle against a wall. Behind it a long street with many shops.', 50),
    ).toBe('A red bicycle against a wall.')
  })

  it('hard-cuts a single word longer than maxLength', () => {
    const out = finish('Supercalifragilisticexpialidocious', 20)
    expect(length(out)).toBeLessThanOrEqual(20)
    expect(out.startsWith('Supercalifragilistic')).toBe(true)
  })

  it('counts code points, not UTF-16 units', () => {
    const out = finish('𝒜𝒜𝒜𝒜𝒜 𝒜𝒜𝒜𝒜𝒜 𝒜𝒜𝒜𝒜𝒜', 12)
    expect(length(out)).toBeLessThanOrEqual(12)
    expect(out).toBe('𝒜𝒜𝒜𝒜𝒜 𝒜𝒜𝒜𝒜𝒜.')
    expect(finish('😀😀😀')).toBe('')
  })

  it('never goes over the limit when a sentence ends exactly at it', () => {
    const out = finish('日本語の文章です。次の文章はとても長いです', 9, 'ja')
    expect(length(out)).toBeLessThanOrEqual(9)
    expect(out).toBe('日本語の文章です。')
  })

  it('drops dangling punctuation even when nothing was cut', () => {
    expect(finish('A cat on a mat -')).toBe('A cat on a mat')
    expect(finish('A cat on a mat,')).toBe('A cat on a mat')
    expect(finish('A sign reading "Open"')).toBe('A sign reading "Open"')
  })

  it('is idempotent', () => {
    const samples = [
      '- - item in a list',
      '> > quoted',
      '1. 2. numbered',
      'Image of image of image of image of a cat',
      'Alt text: Description: "A cat"',
      'A very long description of a cat sitting on a mat, with, many, commas, and: colons',
      '"Stop" sign reading "Stop" at a crossing',
      '<b>bold</b> &amp; <i>italic</i> text',
    ]
    for (const raw of samples) {
      for (const max of [20, 40, 125]) {
        const once = finish(raw, max)
        expect(finish(once, max)).toBe(once)
      }
    }
  })

  it('returns empty for answers without words', () => {
    expect(finish('')).toBe('')
    expect(finish('   \n ')).toBe('')
    expect(finish('""')).toBe('')
    expect(finish('<p></p>')).toBe('')
    expect(finish('Image of')).toBe('') // only the medium: nothing is described
  })

  it('always stays within the limit and on one line', () => {
    const samples = [
      'word '.repeat(100),
      `${'x'.repeat(300)} y`,
      'Image of '.repeat(20),
      `${'<b>'.repeat(50)}text`,
      '"'.repeat(10) + 'a'.repeat(200),
    ]
    for (const raw of samples) {
      for (const max of [20, 21, 50, 125]) {
        const out = finish(raw, max)
        expect(length(out)).toBeLessThanOrEqual(max)
        expect(out).not.toMatch(/[\n\r<>]/)
      }
    }
  })

  it('holds its promises on generated junk (seeded, so any failure reproduces)', () => {
    const pieces = [
      'a',
      'Image',
      ' of ',
      ' ',
      '.',
      ',',
      '"',
      "'",
      '<',
      '>',
      '&lt;',
      '&gt;',
      '*',
      '_',
      '#',
      '-',
      '\n',
      '。',
      '“',
      '”',
      'the',
      ' and ',
      ':',
      'Alt text:',
      '`',
      '[',
      ']',
      '(',
      ')',
      '😀',
      '𝒜',
      '\u200b',
      '1.',
      'photo',
      ' showing ',
    ]
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    for (let n = 0; n < 3000; n++) {
      let raw = ''
      const count = Math.floor(random() * 30)
      for (let i = 0; i < count; i++) raw += pieces[Math.floor(random() * pieces.length)]
      const max = 1 + Math.floor(random() * 60)
      const once = finish(raw, max)
      const context = `${JSON.stringify(raw)} max=${max} → ${JSON.stringify(once)}`
      expect(length(once), context).toBeLessThanOrEqual(max)
      expect(once, context).not.toMatch(/[<>\r\n]/)
      expect(once, context).toBe(once.trim())
      expect(finish(once, max), context).toBe(once)
    }
  })
})
