/**
 * The `<img>` elements of a hast tree, in document order, with what is needed to describe them:
 * the tree is walked as a stream of events for the one `ImageCollector` that the tokenizer path
 * (`scan.ts`) feeds too, so both ways of reading a page find the same images and contexts.
 */
import type { Element, Parents, Root } from 'hast'
import { type Attributes, type CollectedImage, ImageCollector, VOID } from './collector.js'
import type { TagLocation } from './start-tag.js'

/** One `<img>` of a page. */
export interface FoundImage extends CollectedImage {
  /** The element (in the tree), or a stand-in with the source position (from `scanHtml`). */
  node: Element
  /** Where the start tag and its attributes are in the source text (from `scanHtml` only). */
  tag?: TagLocation | undefined
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : Array.isArray(value)
        ? value.join(' ')
        : undefined

const PROPERTY = {
  src: 'src',
  srcset: 'srcSet',
  alt: 'alt',
  role: 'role',
  lang: 'lang',
  type: 'type',
  href: 'href',
  'aria-label': 'ariaLabel',
  title: 'title',
} as const

/** The attributes of a hast element, as the collector reads them. */
export function attributesOf(node: Element): Attributes {
  return (name) => {
    const value = node.properties[PROPERTY[name]]
    // hast splits srcset at commas; the collector parses the attribute as written.
    if (name === 'srcset' && Array.isArray(value)) return value.join(', ')
    return str(value)
  }
}

/** Every `<img>` in document order (not inside `<template>`), with source, language and context. */
export function findImages(tree: Root): FoundImage[] {
  const collector = new ImageCollector()
  const nodes: Element[] = []
  const walk = (parent: Parents) => {
    for (const child of parent.children) {
      if (child.type === 'text') collector.text(child.value)
      if (child.type !== 'element') continue
      if (child.tagName === 'img') nodes.push(child)
      collector.open(child.tagName, attributesOf(child))
      // A void element has no content: the collector has closed it already.
      if (VOID.has(child.tagName)) continue
      // A template's content is not part of the page (hast keeps it apart, in `content`).
      if (child.tagName !== 'template') walk(child)
      collector.close()
    }
  }
  walk(tree)
  return collector.finish().map((image, i) => ({ ...image, node: nodes[i] as Element }))
}
