/**
 * The alt-text lint rules of `@alttextapi/core/node` on the images of an HTML page: `lintPage`
 * for tools that print findings (the CLI), `reportLint` for the plugin, which reports them as
 * `file.message`s with rule id `alttext:<rule>` (fatal for rules set to `error`, as remark-lint
 * marks its errors). Opt-in: the plugin lints only with `lint: true` or a lint configuration.
 */
import {
  type LintConfig,
  type LintFinding,
  type LintImage,
  type LintSettings,
  lintImages,
  lintSettings,
  sanitizeForTerminal,
} from '@alttextapi/core/node'
import type { VFile } from 'vfile'
import type { FoundImage } from './find-images.js'

/** A finding with the image it is about. */
export interface PageLintFinding extends LintFinding {
  image: FoundImage
  /** 1-based line and column of the `<img>` start tag (0 when unknown). */
  line: number
  column: number
}

/** The images worth linting: alt text present (missing is `check`'s job, `alt=""` decorative). */
export function lintableImages(images: readonly FoundImage[]): FoundImage[] {
  return images.filter((image) => image.alt === 'present' && image.altText !== undefined)
}

/** A found image as the lint rules read it; `fallbackLanguage` when no `lang` covers it. */
export function toLintImage(image: FoundImage, fallbackLanguage?: string): LintImage {
  return {
    alt: image.altText ?? '',
    src: image.src,
    caption: image.context.caption,
    text: image.context.text,
    lang: image.lang ?? fallbackLanguage,
  }
}

/** The findings of one page's images (every image; only those with alt text are linted). */
export function lintPage(
  images: readonly FoundImage[],
  settings: LintSettings,
  fallbackLanguage?: string,
): PageLintFinding[] {
  const linted = lintableImages(images)
  return lintImages(
    linted.map((image) => toLintImage(image, fallbackLanguage)),
    settings,
  ).map((finding) => {
    const image = linted[finding.index] as FoundImage
    const start = image.node.position?.start
    return { ...finding, image, line: start?.line ?? 0, column: start?.column ?? 0 }
  })
}

/** The plugin's `lint` option read once: `true` is every default. Throws `LintConfigError`. */
export function lintOption(option: boolean | LintConfig | undefined): LintSettings | undefined {
  if (option === undefined || option === false) return undefined
  return lintSettings(option === true ? undefined : option, 'lint')
}

/** Reports the findings of `images` on `file` (`alttext:<rule>` warnings; errors are fatal). */
export function reportLint(
  images: readonly FoundImage[],
  file: VFile,
  settings: LintSettings,
  fallbackLanguage?: string,
): PageLintFinding[] {
  const findings = lintPage(images, settings, fallbackLanguage)
  for (const finding of findings) {
    const message = file.message(sanitizeForTerminal(finding.message), {
      place: finding.image.node.position,
      source: 'alttextapi',
      ruleId: `alttext:${finding.rule}`,
    })
    message.fatal = finding.severity === 'error'
  }
  return findings
}
