/**
 * The alt-text lint rules as documentation: each rule's id, default severity, why it matters and
 * how to fix it. One table for the CLI's help, its SARIF `rules`, the plugins' messages and the
 * READMEs, so a rule is described the same everywhere.
 */

/** The id of a lint rule. Plugins report it as `alttext:<id>`. */
export type LintRuleId =
  | 'file-name'
  | 'placeholder'
  | 'redundant-prefix'
  | 'repeats-caption'
  | 'repeats-text'
  | 'too-long'
  | 'duplicate'
  | 'language'

/** How a finding counts: `error` fails CI (exit 1), `warn` is reported only, `off` is not run. */
export type LintSeverity = 'off' | 'warn' | 'error'

/** One rule's documentation. */
export interface LintRule {
  id: LintRuleId
  /** What it finds, in one line. */
  summary: string
  /** Why such alt text does not help. */
  why: string
  /** How to fix it. */
  fix: string
  /** Its severity when the configuration does not name it. */
  severity: Exclude<LintSeverity, 'off'>
  /** The highest severity it may be given (`language` guesses, so it never fails a build). */
  maxSeverity: Exclude<LintSeverity, 'off'>
}

/** Every rule, in the order they are checked and documented. */
export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'file-name',
    summary: 'the alt text is a file name or a URL',
    why: 'a screen reader reads "IMG underscore 2041 dot jpg" aloud: it says nothing about the image',
    fix: 'say what the image shows or does; use alt="" if it is decorative',
    severity: 'error',
    maxSeverity: 'error',
  },
  {
    id: 'placeholder',
    summary: 'the alt text is a placeholder ("image", "photo", "logo", "untitled", "IMG_1234")',
    why: 'a placeholder tells the listener only that there is an image, which they already know',
    fix: 'describe the image (for a logo: the name it shows), or use alt="" if it is decorative',
    severity: 'error',
    maxSeverity: 'error',
  },
  {
    id: 'redundant-prefix',
    summary: 'the alt text starts with "image of", "picture of", "photo of"',
    why: 'screen readers already announce an image; the prefix delays what matters',
    fix: 'drop the prefix; keep "photograph", "painting", "chart" only when the medium matters',
    severity: 'warn',
    maxSeverity: 'error',
  },
  {
    id: 'repeats-caption',
    summary: 'the alt text repeats the figure caption word for word',
    why: 'the listener hears the same sentence twice and learns nothing more about the image',
    fix: 'say what the caption does not (what the image shows), or alt="" when the caption says it all',
    severity: 'warn',
    maxSeverity: 'error',
  },
  {
    id: 'repeats-text',
    summary:
      'the alt text repeats the text beside the image (its paragraph, its link) word for word',
    why: 'the same words are read twice in a row; in a link, the link name is doubled',
    fix: 'describe what the text does not say, or use alt="" when the text already names the image',
    severity: 'warn',
    maxSeverity: 'error',
  },
  {
    id: 'too-long',
    summary: 'the alt text is longer than the limit (150 characters unless configured)',
    why: 'long alt text cannot be skimmed or paused like page text; details belong in the page',
    fix: 'keep the one or two facts the image adds; put the rest in a caption or a long description',
    severity: 'warn',
    maxSeverity: 'error',
  },
  {
    id: 'duplicate',
    summary: 'the same alt text is on different images of one page',
    why: 'two different images that sound the same cannot be told apart',
    fix: 'say how the images differ',
    severity: 'warn',
    maxSeverity: 'error',
  },
  {
    id: 'language',
    summary:
      'the alt text looks like another language than the page (<html lang>, front matter lang)',
    why: "a screen reader reads it with the page language's voice and rules: it is hard to follow",
    fix: 'write it in the page language, or mark its language with lang on the image or a parent',
    severity: 'warn',
    maxSeverity: 'warn',
  },
]

/** The rule with `id`. */
export function lintRule(id: LintRuleId): LintRule {
  return LINT_RULES.find((rule) => rule.id === id) as LintRule
}
