/**
 * Walks a hast tree in document order and lists the `<img>` elements, with what is needed to
 * describe them: the source to read, the page language, and the context around the image.
 */
import { clipText, toLanguageTag } from '@alttextapi/core'
import type { Element, Parents, Root } from 'hast'
import type { ImageContext } from './options.js'
import { parseSrcset, pickCandidate } from './srcset.js'
import { textOf } from './text.js'

/** One `<img>` of the tree. */
export interface FoundImage {
  node: Element
  /** `'missing'`: no alt; `'decorative'`: `alt=""` or role none/presentation; `'present'`: alt text. */
  alt: 'missing' | 'decorative' | 'present'
  /** The source to describe (`src`, a `srcset` candidate, or a `<picture>` source); may be ''. */
  src: string
  /** The `lang` of the closest ancestor that has one. */
  lang: string | undefined
  context: ImageContext
}

const HEADING = /^h[1-6]$/
const BLOCKS = new Set([
  'p',
  'li',
  'dd',
  'dt',
  'td',
  'th',
  'blockquote',
  'figure',
  'section',
  'article',
  'aside',
  'header',
  'footer',
  'main',
  'div',
  'body',
])
const ACCEPTED_TYPES = /^(image\/(jpeg|png|gif|webp))?$/i

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : undefined

function altState(node: Element): FoundImage['alt'] {
  const role = str(node.properties.role)?.trim().toLowerCase()
  const alt = node.properties.alt
  if (alt === undefined || alt === null) {
    return role === 'presentation' || role === 'none' ? 'decorative' : 'missing'
  }
  return String(alt).trim() === '' ? 'decorative' : 'present'
}

/** The source worth describing (see `pickCandidate`); in `<picture>`, `<source>`s are a fallback. */
function sourceOf(node: Element, parent: Parents | undefined): string {
  const srcset = node.properties.srcSet as string | string[] | undefined
  if (srcset && srcset.length > 0) {
    const candidates = parseSrcset(srcset)
    if (candidates.some((c) => c.width !== undefined)) return pickCandidate(candidates) ?? ''
  }
  const src = str(node.properties.src)?.trim()
  if (src) return src
  if (srcset && srcset.length > 0) return pickCandidate(parseSrcset(srcset)) ?? ''
  if (parent && parent.type === 'element' && parent.tagName === 'picture') {
    for (const child of parent.children) {
      if (child.type !== 'element' || child.tagName !== 'source') continue
      // The API reads JPEG, PNG, GIF and WebP: prefer a source of those types.
      if (!ACCEPTED_TYPES.test(str(child.properties.type) ?? '')) continue
      const set = child.properties.srcSet as string | string[] | undefined
      const picked = set ? pickCandidate(parseSrcset(set)) : undefined
      if (picked) return picked
    }
  }
  return ''
}

function captionOf(ancestors: Parents[]): string | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]
    if (a?.type !== 'element' || a.tagName !== 'figure') continue
    const caption = a.children.find(
      (c): c is Element => c.type === 'element' && c.tagName === 'figcaption',
    )
    return caption ? textOf(caption) || undefined : undefined
  }
  return undefined
}

/** Text of the element siblings just before and after `block` (headings are sent apart). */
function siblingText(parent: Parents | undefined, block: Parents): string {
  if (!parent) return ''
  const elements = parent.children.filter(
    (c): c is Element => c.type === 'element' && !HEADING.test(c.tagName),
  )
  const at = elements.indexOf(block as Element)
  if (at === -1) return ''
  const around = [elements[at - 1], elements[at + 1]].filter((e): e is Element => e !== undefined)
  return around
    .map((e) => textOf(e))
    .filter(Boolean)
    .join(' ')
}

/**
 * Text around the image: the closest block with some text, up to three blocks up; when the
 * image's own block has none (an image alone in a paragraph), the blocks beside it.
 */
function nearbyText(ancestors: Parents[], caption: string | undefined): string | undefined {
  let tries = 0
  for (let i = ancestors.length - 1; i >= 0 && tries < 3; i--) {
    const a = ancestors[i]
    if (!a || (a.type === 'element' && !BLOCKS.has(a.tagName))) continue
    tries++
    let text = textOf(a)
    if (caption) text = text.replace(caption, '').trim()
    if (text) return clipText(text, 300)
    if (a.type === 'element') {
      const beside = siblingText(ancestors[i - 1], a)
      if (beside) return clipText(beside, 300)
    }
  }
  return undefined
}

function linkOf(node: Element, ancestors: Parents[]): { href: string } | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]
    if (a?.type !== 'element' || a.tagName !== 'a') continue
    if (textOf(a) !== '') return undefined
    let images = 0
    const count = (n: Parents | Element) => {
      for (const c of n.children) {
        if (c.type !== 'element') continue
        if (c.tagName === 'img') images++
        count(c)
      }
    }
    count(a)
    return images === 1 && a !== node ? { href: str(a.properties.href) ?? '' } : undefined
  }
  return undefined
}

/** Every `<img>` in document order (not inside `<template>`), with source, language and context. */
export function findImages(tree: Root): FoundImage[] {
  const found: FoundImage[] = []
  let title: string | undefined
  let heading: string | undefined
  const ancestors: Parents[] = []

  const walk = (parent: Parents) => {
    ancestors.push(parent)
    for (const child of parent.children) {
      if (child.type !== 'element') continue
      if (child.tagName === 'title' && title === undefined) title = textOf(child) || undefined
      if (HEADING.test(child.tagName)) heading = textOf(child) || heading
      if (child.tagName === 'img') found.push(describeImage(child))
      if (child.tagName !== 'template') walk(child)
    }
    ancestors.pop()
  }

  const describeImage = (node: Element): FoundImage => {
    const parent = ancestors[ancestors.length - 1]
    let lang: string | undefined
    // The closest usable `lang` wins; an invalid one falls back to the next ancestor's.
    for (const a of [...ancestors, node]) {
      if (a.type !== 'element' || typeof a.properties.lang !== 'string') continue
      lang = toLanguageTag(a.properties.lang) ?? lang
    }
    const src = sourceOf(node, parent)
    const caption = captionOf(ancestors)
    const link = linkOf(node, ancestors)
    return {
      node,
      alt: altState(node),
      src,
      lang,
      context: {
        // The title is read lazily below: it may come before the image (head) in any order.
        title: undefined,
        heading,
        caption,
        text: nearbyText(ancestors, caption),
        linkOnly: link !== undefined,
        href: link?.href || undefined,
        src,
      },
    }
  }

  walk(tree)
  for (const image of found) image.context.title = title
  return found
}
