import { describe, expect, it } from 'vitest'
import {
  findImages,
  findImagesMissingAlt,
  getAtPath,
  type SchemaNode,
  toPathString,
} from '../src/walk/index.js'

const img = (id: string, extra: Record<string, unknown> = {}) => ({
  _type: 'image',
  asset: { _type: 'reference', _ref: `image-${id}-800x600-jpg` },
  ...extra,
})

const doc = {
  _id: 'post-1',
  _type: 'post',
  title: 'Spring in the park',
  hero: img('hero'),
  cover: img('cover', { alt: 'A written alt' }),
  decorative: img('deco', { alt: '' }),
  nullAlt: img('nullalt', { alt: null }),
  noAsset: { _type: 'image' },
  gallery: [
    { _key: 'g1', ...img('g1') },
    { _key: 'g2', ...img('g2', { alt: 'kept' }) },
  ],
  unkeyed: [img('u0'), img('u1')],
  seo: { _type: 'seo', og: { _type: 'ogImage', image: img('og') } },
  body: [
    {
      _type: 'block',
      _key: 'b1',
      children: [{ _type: 'span', _key: 's1', text: 'Hello' }],
      markDefs: [],
    },
    { _type: 'image', _key: 'pt1', asset: { _ref: 'image-pt1-10x10-png' } },
    {
      _type: 'block',
      _key: 'b2',
      children: [{ _type: 'inlineImage', _key: 'in1', asset: { _ref: 'image-inl-5x5-png' } }],
      markDefs: [],
    },
    { _type: 'figure', _key: 'f1', caption: 'Tulips', asset: { _ref: 'image-fig-20x20-webp' } },
  ],
  sections: [{ _key: 's1', _type: 'section', columns: [{ _key: 'c1', media: img('deep') }] }],
  author: { _type: 'reference', _ref: 'image-not-an-image-really' },
  file: { _type: 'file', asset: { _ref: 'file-abc-pdf' } },
}

describe('findImages (heuristics, no schema)', () => {
  const found = findImages(doc)
  const byRef = new Map(found.map((f) => [f.assetRef, f]))

  it('finds images in fields, arrays, nested objects, Portable Text and its inline objects', () => {
    expect(found.map((f) => f.altPathString)).toEqual([
      'hero.alt',
      'cover.alt',
      'decorative.alt',
      'nullAlt.alt',
      'gallery[_key=="g1"].alt',
      'gallery[_key=="g2"].alt',
      'unkeyed[0].alt',
      'unkeyed[1].alt',
      'seo.og.image.alt',
      'body[_key=="pt1"].alt',
      'body[_key=="b2"].children[_key=="in1"].alt',
      'body[_key=="f1"].alt',
      'sections[_key=="s1"].columns[_key=="c1"].media.alt',
    ])
  })

  it('tells missing, decorative and present alt apart', () => {
    expect(byRef.get('image-hero-800x600-jpg')?.state).toBe('missing')
    expect(byRef.get('image-nullalt-800x600-jpg')?.state).toBe('missing')
    expect(byRef.get('image-deco-800x600-jpg')?.state).toBe('decorative')
    expect(byRef.get('image-cover-800x600-jpg')).toMatchObject({
      state: 'present',
      alt: 'A written alt',
    })
  })

  it('skips images without an asset, references, and files', () => {
    expect(found.some((f) => f.path[0] === 'noAsset')).toBe(false)
    expect(found.some((f) => f.path[0] === 'author' || f.path[0] === 'file')).toBe(false)
  })

  it('reads a caption next to the image', () => {
    expect(byRef.get('image-fig-20x20-webp')?.caption).toBe('Tulips')
  })

  it('returns paths that point at the image', () => {
    for (const image of found) {
      const value = getAtPath(doc, image.path) as { asset: { _ref: string } }
      expect(value.asset._ref).toBe(image.assetRef)
    }
  })

  it('missing-only list leaves written and decorative alt alone', () => {
    const missing = findImagesMissingAlt(doc).map((f) => f.altPathString)
    expect(missing).not.toContain('cover.alt')
    expect(missing).not.toContain('decorative.alt')
    expect(missing).not.toContain('gallery[_key=="g2"].alt')
    expect(missing).toHaveLength(10)
  })

  it('uses a configured alt field name', () => {
    const value = { a: img('x', { alternativeText: 'set' }), b: img('y', { alt: 'ignored' }) }
    const missing = findImagesMissingAlt(value, { altField: 'alternativeText' })
    expect(missing.map((f) => f.altPathString)).toEqual(['b.alternativeText'])
  })

  it('stops at maxDepth instead of recursing forever', () => {
    let deep: Record<string, unknown> = img('bottom')
    for (let i = 0; i < 100; i++) deep = { _type: 'wrap', inner: deep }
    expect(findImages(deep)).toHaveLength(0)
    expect(findImages(deep, { maxDepth: 200 })).toHaveLength(1)
  })

  it('skips an image under a key no patch path can hold instead of throwing', () => {
    const odd = { hero: img('hero'), 'odd-key': img('odd'), list: [{ 'x y': img('deep') }] }
    expect(() => findImages(odd)).not.toThrow()
    expect(findImages(odd).map((i) => i.altPathString)).toEqual(['hero.alt'])
  })

  it('handles empty and odd values', () => {
    expect(findImages(undefined)).toEqual([])
    expect(findImages('text')).toEqual([])
    expect(findImages([null, 1, 'x', [img('nested')]])).toHaveLength(1)
  })
})

describe('findImages with schema types', () => {
  const imageBase: SchemaNode = { name: 'image', jsonType: 'object' }
  const altImage: SchemaNode = {
    name: 'image',
    jsonType: 'object',
    type: imageBase,
    fields: [{ name: 'alt', type: { name: 'string' } }],
  }
  const plainImage: SchemaNode = { name: 'image', jsonType: 'object', type: imageBase, fields: [] }
  const figure: SchemaNode = {
    name: 'figure',
    jsonType: 'object',
    type: altImage,
    fields: [
      { name: 'alt', type: { name: 'string' } },
      { name: 'caption', type: { name: 'string' } },
    ],
  }
  const block: SchemaNode = {
    name: 'block',
    jsonType: 'object',
    fields: [
      {
        name: 'children',
        type: { name: 'array', jsonType: 'array', of: [{ name: 'span' }, figure] },
      },
    ],
  }
  const post: SchemaNode = {
    name: 'post',
    jsonType: 'object',
    fields: [
      { name: 'hero', type: altImage },
      { name: 'thumb', type: plainImage },
      { name: 'body', type: { name: 'array', jsonType: 'array', of: [block, figure, plainImage] } },
      { name: 'logo', type: { name: 'object', jsonType: 'object', fields: [] } },
    ],
  }
  const value = {
    _type: 'post',
    hero: img('hero'),
    thumb: img('thumb'),
    body: [
      { _type: 'figure', _key: 'f', asset: { _ref: 'image-fig-1x1-png' } },
      { _type: 'image', _key: 'i', asset: { _ref: 'image-plain-1x1-png' } },
      {
        _type: 'block',
        _key: 'b',
        children: [{ _type: 'figure', _key: 'c', asset: { _ref: 'image-inl-1x1-png' } }],
      },
    ],
    // The schema says this is a plain object: the asset-looking value is not an image field.
    logo: { asset: { _ref: 'image-logo-1x1-png' } },
    // Not in the schema (old data): heuristics take over.
    legacy: img('legacy'),
  }

  it('counts only image types that declare the alt subfield', () => {
    const paths = findImages(value, { schemaType: post }).map((f) => f.altPathString)
    expect(paths).toEqual([
      'hero.alt',
      'body[_key=="f"].alt',
      'body[_key=="b"].children[_key=="c"].alt',
      'legacy.alt',
    ])
  })
})

describe('toPathString', () => {
  it('writes fields, indexes and keys', () => {
    expect(toPathString(['a', 0, { _key: 'k"x' }, 'b'])).toBe('a[0][_key=="k\\"x"].b')
  })
  it('refuses field names a patch path cannot hold', () => {
    expect(() => toPathString(['a-b'])).toThrow(/Unsupported/)
  })
})
