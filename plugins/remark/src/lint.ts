/**
 * The alt-text lint rules of `@alttextapi/core/node` on the images of a Markdown/MDX document:
 * `lintMarkdown` for tools that print findings (the CLI's `lint --source`), `reportMarkdownLint`
 * for the plugin (`file.message`s with rule id `alttext:<rule>`, fatal for rules set to `error`).
 * Opt-in, as in `@alttextapi/rehype`: only with `lint: true` or a lint configuration.
 */
import {
  type LintFinding,
  type LintImage,
  type LintSettings,
  lintImages,
  sanitizeForTerminal,
} from '@alttextapi/core/node'
import { scanHtml } from '@alttextapi/rehype'
import type { VFile } from 'vfile'
import type { MarkdownImage } from './find-images.js'

/** A finding with the image it is about and its place. */
export interface MarkdownLintFinding extends LintFinding {
  image: MarkdownImage
  /** The alt text linted. */
  alt: string
  line: number
  column: number
}

/** The alt text of an image as written (entities decoded), or undefined for an expression. */
export function altOf(image: MarkdownImage): string | undefined {
  if (image.kind === 'markdown') return image.node.alt ?? ''
  if (image.kind === 'html') {
    // The same tokenizer that found the tag gives its decoded value.
    return scanHtml(image.node.value).images.find((i) => i.tag?.start === image.tag.start)?.altText
  }
  for (const attribute of image.node.attributes)
    if (attribute.type === 'mdxJsxAttribute' && attribute.name === 'alt')
      return typeof attribute.value === 'string' ? attribute.value : undefined
  return undefined
}

/**
 * The text beside each image without the alt text of the images in it: mdast's text of a
 * paragraph includes every image's alt, so `![Home](x.png)` alone, or two images with the same
 * alt in one paragraph, would otherwise "repeat" themselves. Images share a block when they share
 * its text.
 */
function textsBeside(
  linted: readonly { image: MarkdownImage; alt: string }[],
): (string | undefined)[] {
  const alts = new Map<string, string[]>()
  const blockOf = ({ image }: { image: MarkdownImage }) =>
    image.context.link?.text ?? image.context.text
  for (const item of linted) {
    const text = blockOf(item)
    if (text) alts.set(text, [...(alts.get(text) ?? []), item.alt])
  }
  return linted.map((item) => {
    const text = blockOf(item)
    if (!text) return undefined
    let rest = text
    for (const alt of alts.get(text) ?? []) rest = rest.replace(alt, ' ')
    rest = rest.replace(/\s+/g, ' ').trim()
    return rest || undefined
  })
}

/** The findings of a document's images; `language` is the document's (front matter, option). */
export function lintMarkdown(
  images: readonly MarkdownImage[],
  settings: LintSettings,
  language: string | undefined,
): MarkdownLintFinding[] {
  const linted: { image: MarkdownImage; alt: string }[] = []
  for (const image of images) {
    if (image.state !== 'present') continue
    const alt = altOf(image)
    if (alt !== undefined && alt.trim() !== '') linted.push({ image, alt })
  }
  const beside = textsBeside(linted)
  const lintable: LintImage[] = linted.map(({ image, alt }, i) => ({
    alt,
    src: image.src,
    caption: image.context.caption,
    text: beside[i],
    lang: language,
  }))
  return lintImages(lintable, settings).map((finding) => {
    const { image, alt } = linted[finding.index] as { image: MarkdownImage; alt: string }
    const start = image.position?.start
    return { ...finding, image, alt, line: start?.line ?? 0, column: start?.column ?? 0 }
  })
}

/** Reports the findings on `file` (`alttext:<rule>`; errors are fatal messages). */
export function reportMarkdownLint(
  images: readonly MarkdownImage[],
  file: VFile,
  settings: LintSettings,
  language: string | undefined,
): MarkdownLintFinding[] {
  const findings = lintMarkdown(images, settings, language)
  for (const finding of findings) {
    const message = file.message(sanitizeForTerminal(finding.message), {
      place: finding.image.position,
      source: 'alttextapi',
      ruleId: `alttext:${finding.rule}`,
    })
    message.fatal = finding.severity === 'error'
  }
  return findings
}
