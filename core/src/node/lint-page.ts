/**
 * Every lint rule over the images of one page, with the configured severities: what the CLI,
 * the rehype plugin and the remark plugin each run on the images they found.
 */
import { duplicateAlts, lintAlt } from './alt-lint.js'
import { type LintSettings, lintSettings } from './lint-config.js'
import { languageProblem } from './lint-language.js'
import type { LintRuleId } from './lint-rules.js'

/** One image of a page with alt text (decorative and missing alt are not linted). */
export interface LintImage {
  /** The alt text as written (entities decoded). */
  alt: string
  /** The image source as written. */
  src: string
  /** The image's figure caption. */
  caption?: string | undefined
  /** The text beside the image (its block, a link's text). */
  text?: string | undefined
  /** The language the image is in: its own or closest `lang`, `<html lang>`, front matter. */
  lang?: string | undefined
}

/** One finding: which image (index in the list given), which rule, how it counts, why. */
export interface LintFinding {
  index: number
  rule: LintRuleId
  severity: 'warn' | 'error'
  message: string
}

const DUPLICATE = 'the same alt text is on another image of this page: say how they differ'

/**
 * The findings of one page's `images`, in image order, rules in `LINT_RULES` order; rules set to
 * `off` are not run (the language detector is not even loaded when `language` is off).
 * `settings` come from `lintSettings` (default: every rule at its default severity).
 */
export function lintImages(
  images: readonly LintImage[],
  settings: LintSettings = lintSettings(undefined),
): LintFinding[] {
  const config = settings
  const { rules } = config
  const found: LintFinding[][] = images.map(() => [])
  const add = (index: number, rule: LintRuleId, message: string) => {
    const severity = rules[rule]
    if (severity !== 'off') found[index]?.push({ index, rule, severity, message })
  }
  images.forEach((image, index) => {
    for (const problem of lintAlt(image.alt, {
      src: image.src,
      caption: image.caption,
      text: image.text,
      maxLength: config.maxLength,
    }))
      add(index, problem.rule, problem.message)
  })
  if (rules.duplicate !== 'off')
    for (const index of duplicateAlts(images.map((i) => ({ alt: i.alt, src: i.src }))))
      add(index, 'duplicate', DUPLICATE)
  if (rules.language !== 'off')
    images.forEach((image, index) => {
      const problem = languageProblem(image.alt, {
        expected: image.lang,
        around: [image.caption, image.text],
        minConfidence: config.minConfidence,
      })
      if (problem) add(index, 'language', problem.message)
    })
  // Image order, then the rules in documentation order (as each list was filled).
  return found.flat()
}
