/**
 * Rules for alt text that exists but does not help (issue 23's linter): one place for the CLI's
 * `alttext lint` and for the rehype/remark plugins. Each rule has an id, a reason and a fix, and
 * reads only the alt text and what the page says around the image. The rules' documentation is
 * `LINT_RULES` (lint-rules.ts); the language rule is lint-language.ts; severities and a whole
 * page are lint-page.ts.
 */

import {
  ALT_LINT_IMAGE_FILE_PATTERN,
  ALT_LINT_MAX_LENGTH,
  ALT_LINT_PLACEHOLDER_PATTERN,
  ALT_LINT_PREFIX_PATTERN,
  ALT_LINT_URL_PATTERN,
} from '../contract/alt-lint.js'
import type { LintRuleId } from './lint-rules.js'

/** One problem of one image's alt text. */
export interface AltProblem {
  rule: LintRuleId
  /** What is wrong and how to fix it. */
  message: string
}

/** What the page says around the image. */
export interface AltLintContext {
  /** The image source as written. */
  src?: string | undefined
  /** The image's figcaption. */
  caption?: string | undefined
  /** The text beside the image (its block, or a link's text). */
  text?: string | undefined
  /** Longest alt text before `too-long` (default 150 characters). */
  maxLength?: number | undefined
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase()
const IMAGE_FILE = ALT_LINT_IMAGE_FILE_PATTERN
const PLACEHOLDER = ALT_LINT_PLACEHOLDER_PATTERN
const PREFIX = ALT_LINT_PREFIX_PATTERN

/** The problems of one alt text (empty when it is fine; `alt=""` is decorative, not linted). */
export function lintAlt(alt: string, context: AltLintContext = {}): AltProblem[] {
  const problems: AltProblem[] = []
  const text = alt.trim()
  if (text === '') return problems
  const bare = text.replace(/[.!?…:;,]+$/, '')
  const fileName = context.src?.split(/[?#]/)[0]?.split('/').pop()
  if (
    ALT_LINT_URL_PATTERN.test(text) ||
    IMAGE_FILE.test(bare) ||
    (fileName !== undefined && fileName !== '' && squash(bare) === squash(fileName))
  )
    problems.push({
      rule: 'file-name',
      message: 'alt text is a file name or URL: say what the image shows or does',
    })
  else if (PLACEHOLDER.test(bare))
    problems.push({
      rule: 'placeholder',
      message: `alt text "${text}" is a placeholder: describe the image, or use alt="" if it is decorative`,
    })
  if (PREFIX.test(text))
    problems.push({
      rule: 'redundant-prefix',
      message: 'alt text starts with "image of": screen readers already say it is an image',
    })
  if (context.caption && squash(context.caption) === squash(text))
    problems.push({
      rule: 'repeats-caption',
      message: 'alt text repeats the caption word for word: say what the caption does not',
    })
  else if (repeatsText(text, context.text))
    problems.push({
      rule: 'repeats-text',
      message: 'alt text repeats the text beside the image word for word: say what it does not',
    })
  const max = context.maxLength ?? ALT_LINT_MAX_LENGTH
  if (text.length > max)
    problems.push({
      rule: 'too-long',
      message: `alt text is ${text.length} characters (over ${max}): keep it short, put details in the page`,
    })
  return problems
}

/** Words an alt text needs before it counts as repeating a longer text it is part of. */
const MIN_REPEATED_WORDS = 4

/**
 * `repeats-text`: the alt text is the text beside it, or (with at least `MIN_REPEATED_WORDS`
 * words) a run of whole words of it. Shorter alt text inside longer text is often a fine name
 * ("Ada Lovelace" beside a paragraph about her).
 */
function repeatsText(alt: string, beside: string | undefined): boolean {
  if (!beside) return false
  const a = words(alt)
  const b = words(beside)
  if (a === '' || b === '') return false
  if (a === b) return true
  return a.split(' ').length >= MIN_REPEATED_WORDS && ` ${b} `.includes(` ${a} `)
}

/** Lower-case words without punctuation, one space apart. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()

/**
 * `duplicate`: the same alt text on different images of one page (by source). Returns the index
 * of each image (in `images`) whose alt text another image with another source already used.
 */
export function duplicateAlts(images: ReadonlyArray<{ alt: string; src: string }>): number[] {
  const first = new Map<string, string>()
  const out: number[] = []
  images.forEach((image, i) => {
    const key = squash(image.alt)
    if (key === '') return
    const src = first.get(key)
    if (src === undefined) first.set(key, image.src)
    else if (src !== image.src) out.push(i)
  })
  return out
}
