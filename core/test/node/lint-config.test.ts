/** The lint configuration: defaults, overrides, and errors that name the key at fault. */
import { describe, expect, it } from 'vitest'
import { LintConfigError, lintSettings } from '../../src/node/lint-config.js'
import { LINT_RULES } from '../../src/node/lint-rules.js'

const fails = (config: unknown) => {
  try {
    lintSettings(config, 'alttext.config.json: lint')
  } catch (error) {
    expect(error).toBeInstanceOf(LintConfigError)
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('lintSettings', () => {
  it('fills every default', () => {
    const settings = lintSettings(undefined)
    expect(settings.maxLength).toBe(150)
    expect(settings.minConfidence).toBe(0.8)
    expect(Object.keys(settings.rules)).toEqual(LINT_RULES.map((r) => r.id))
    expect(settings.rules.placeholder).toBe('error')
    expect(settings.rules.language).toBe('warn')
  })

  it('takes severities and limits', () => {
    const settings = lintSettings({
      rules: { 'too-long': 'error', duplicate: 'off', language: 'off' },
      maxLength: 90,
      minConfidence: 0.95,
    })
    expect(settings.rules['too-long']).toBe('error')
    expect(settings.rules.duplicate).toBe('off')
    expect(settings.rules['file-name']).toBe('error')
    expect(settings).toMatchObject({ maxLength: 90, minConfidence: 0.95 })
  })

  it('names the key of a malformed value', () => {
    expect(fails({ rules: { placeholdr: 'warn' } })).toBe(
      'alttext.config.json: lint.rules.placeholdr: unknown rule (known: file-name, placeholder, redundant-prefix, repeats-caption, repeats-text, too-long, duplicate, language)',
    )
    expect(fails({ rules: { placeholder: 'fatal' } })).toBe(
      'alttext.config.json: lint.rules.placeholder: must be "off", "warn" or "error"',
    )
    expect(fails({ maxLength: '150' })).toBe(
      'alttext.config.json: lint.maxLength: must be a number',
    )
    expect(fails({ maxLength: 0 })).toBe('alttext.config.json: lint.maxLength: must be at least 1')
    expect(fails({ minConfidence: 2 })).toBe(
      'alttext.config.json: lint.minConfidence: must be between 0 and 1',
    )
    expect(fails({ severity: 'error' })).toBe(
      'alttext.config.json: lint.severity: unknown setting (known: rules, maxLength, minConfidence)',
    )
    expect(fails({ rules: ['placeholder'] })).toMatch(
      /^alttext\.config\.json: lint\.rules: must be/,
    )
    expect(fails('strict')).toMatch(/^alttext\.config\.json: lint: must be an object/)
    // A guess never fails a build.
    expect(fails({ rules: { language: 'error' } })).toBe(
      'alttext.config.json: lint.rules.language: may be "off" or "warn" only: a language guess never fails a build',
    )
  })
})
