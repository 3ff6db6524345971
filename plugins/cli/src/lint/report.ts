/**
 * The three outputs of `alttext lint`: `text` (one `file:line:column severity rule: message`
 * line per finding, for people and CI logs), `json` (the findings as data) and `sarif`.
 */
import { relative } from 'node:path'
import { type LintSettings, sanitizeForTerminal } from '@alttextapi/core/node'
import type { Finding } from './finding.js'
import { toSarif } from './sarif.js'

/** The output formats. */
export const FORMATS = ['text', 'json', 'sarif'] as const
export type Format = (typeof FORMATS)[number]

/** What `--format json` prints (its `version` changes only when a field changes meaning). */
export interface JsonReport {
  version: 1
  files: number
  errors: number
  warnings: number
  findings: {
    file: string
    line: number
    column: number
    rule: string
    severity: 'warn' | 'error'
    message: string
    src: string
    alt: string
  }[]
}

/** The findings as one string in `format`. */
export function formatFindings(
  format: Format,
  findings: readonly Finding[],
  context: { cwd: string; files: number; settings: LintSettings; version: string },
): string {
  const file = (f: Finding) => relative(context.cwd, f.path) || f.path
  if (format === 'sarif')
    return `${JSON.stringify(toSarif(findings, context.settings, context.cwd, context.version), null, 2)}\n`
  if (format === 'json') {
    const report: JsonReport = {
      version: 1,
      files: context.files,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warn').length,
      findings: findings.map((f) => ({
        file: file(f),
        line: f.line,
        column: f.column,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        src: f.src,
        alt: f.alt,
      })),
    }
    return `${JSON.stringify(report, null, 2)}\n`
  }
  // Page text ends up in terminals and CI logs: no control characters, no workflow commands.
  return findings
    .map(
      (f) =>
        `${sanitizeForTerminal(file(f))}:${f.line}:${f.column} ${f.severity} ${f.rule}: ${sanitizeForTerminal(f.message)}\n`,
    )
    .join('')
}
