/**
 * The lint configuration: a severity per rule, the length limit and the language rule's
 * confidence. The CLI reads it from `alttext.config.json`'s `lint` key; the rehype and remark
 * plugins take the same object as their `lint` option. A malformed configuration is one
 * `LintConfigError` naming the key (`lint.rules.placeholdr: unknown rule …`), never a silent
 * default.
 */
import * as v from 'valibot'
import { ALT_LINT_MAX_LENGTH } from '../contract/alt-lint.js'
import { DEFAULT_MIN_CONFIDENCE } from './lint-language.js'
import { LINT_RULES, type LintRuleId, type LintSeverity } from './lint-rules.js'

/** The lint configuration as written (every field optional). */
export interface LintConfig {
  /** Severity per rule id: `off`, `warn` or `error` (`language`: at most `warn`). */
  rules?: Partial<Record<LintRuleId, LintSeverity>> | undefined
  /** Longest alt text before `too-long`, in characters. Default 150. */
  maxLength?: number | undefined
  /** Lowest confidence (0–1) of the `language` rule's guess that warns. Default 0.8. */
  minConfidence?: number | undefined
}

/** The configuration with every default filled in. */
export interface LintSettings {
  rules: Record<LintRuleId, LintSeverity>
  maxLength: number
  minConfidence: number
}

/** Default `too-long` limit (the contract's, which WordPress reads too). */
export const DEFAULT_MAX_ALT_LENGTH = ALT_LINT_MAX_LENGTH

/** A configuration that cannot be used; `key` is the dotted path of the value at fault. */
export class LintConfigError extends Error {
  readonly key: string
  constructor(key: string, message: string) {
    super(`${key}: ${message}`)
    this.name = 'LintConfigError'
    this.key = key
  }
}

const RULE_IDS = LINT_RULES.map((rule) => rule.id)
const SEVERITY = v.picklist(['off', 'warn', 'error'], 'must be "off", "warn" or "error"')

const Schema = v.strictObject(
  {
    rules: v.optional(
      v.strictObject(
        Object.fromEntries(RULE_IDS.map((id) => [id, v.optional(SEVERITY)])) as Record<
          LintRuleId,
          v.OptionalSchema<typeof SEVERITY, undefined>
        >,
        `must be an object of rule ids (${RULE_IDS.join(', ')}) to "off", "warn" or "error"`,
      ),
    ),
    maxLength: v.optional(
      v.pipe(
        v.number('must be a number'),
        v.integer('must be a whole number'),
        v.minValue(1, 'must be at least 1'),
      ),
    ),
    minConfidence: v.optional(
      v.pipe(
        v.number('must be a number'),
        v.minValue(0, 'must be between 0 and 1'),
        v.maxValue(1, 'must be between 0 and 1'),
      ),
    ),
  },
  'must be an object with rules, maxLength and minConfidence',
)

/**
 * The settings of `config` (undefined: every default). `where` names the object in errors (the
 * CLI passes `alttext.config.json: lint`). Throws `LintConfigError` for the first problem.
 */
export function lintSettings(config: unknown, where = 'lint'): LintSettings {
  // valibot reads an array as an object with keys 0, 1…: say what is wrong instead.
  if (Array.isArray(config)) throw new LintConfigError(where, Schema.message as string)
  const rulesValue = (config as { rules?: unknown } | undefined)?.rules
  if (Array.isArray(rulesValue))
    throw new LintConfigError(`${where}.rules`, Schema.entries.rules.wrapped.message as string)
  const parsed = v.safeParse(Schema, config ?? {})
  if (!parsed.success) {
    const issue = parsed.issues[0] as v.BaseIssue<unknown>
    const path = v.getDotPath(issue)
    const key = path ? `${where}.${path}` : where
    // An unknown key: the schema's message is about the object; name the key and the known ones.
    const last = issue.path?.[issue.path.length - 1] as { key?: unknown } | undefined
    if (issue.kind === 'schema' && issue.expected === 'never' && last)
      throw new LintConfigError(
        key,
        path?.startsWith('rules.')
          ? `unknown rule (known: ${RULE_IDS.join(', ')})`
          : 'unknown setting (known: rules, maxLength, minConfidence)',
      )
    throw new LintConfigError(key, issue.message)
  }
  const value = parsed.output
  const rules = Object.fromEntries(LINT_RULES.map((rule) => [rule.id, rule.severity])) as Record<
    LintRuleId,
    LintSeverity
  >
  for (const rule of LINT_RULES) {
    const severity = value.rules?.[rule.id]
    if (severity === undefined) continue
    if (severity === 'error' && rule.maxSeverity === 'warn')
      throw new LintConfigError(
        `${where}.rules.${rule.id}`,
        'may be "off" or "warn" only: a language guess never fails a build',
      )
    rules[rule.id] = severity
  }
  return {
    rules,
    maxLength: value.maxLength ?? DEFAULT_MAX_ALT_LENGTH,
    minConfidence: value.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
  }
}
