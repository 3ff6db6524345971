/** A page's findings: rule order, severities from the settings, rules turned off. */
import { describe, expect, it } from 'vitest'
import { lintSettings } from '../../src/node/lint-config.js'
import { lintImages } from '../../src/node/lint-page.js'

const page = [
  { alt: 'IMG_2041.jpg', src: '/a.jpg', lang: 'en' },
  { alt: 'Image of a red bicycle', src: '/b.png', lang: 'en' },
  { alt: 'Image of a red bicycle', src: '/c.png', lang: 'en' },
  {
    alt: 'Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf',
    src: '/d.png',
    lang: 'en',
  },
  {
    alt: 'Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf',
    src: '/d.png',
    lang: 'de',
  },
  { alt: 'A lighthouse on a rocky cliff above the sea', src: '/e.png', lang: 'en' },
]

describe('lintImages', () => {
  it('every rule with its default severity, in image then rule order', () => {
    expect(lintImages(page).map((f) => [f.index, f.rule, f.severity])).toEqual([
      [0, 'file-name', 'error'],
      [1, 'redundant-prefix', 'warn'],
      [2, 'redundant-prefix', 'warn'],
      [2, 'duplicate', 'warn'],
      [3, 'language', 'warn'],
    ])
  })

  it('takes severities from the settings; off rules are not run', () => {
    const settings = lintSettings({
      rules: {
        'redundant-prefix': 'error',
        duplicate: 'off',
        language: 'off',
        'file-name': 'warn',
      },
    })
    expect(lintImages(page, settings).map((f) => [f.index, f.rule, f.severity])).toEqual([
      [0, 'file-name', 'warn'],
      [1, 'redundant-prefix', 'error'],
      [2, 'redundant-prefix', 'error'],
    ])
    expect(
      lintImages(page, lintSettings({ maxLength: 40 })).filter((f) => f.rule === 'too-long'),
    ).toHaveLength(3)
  })
})
