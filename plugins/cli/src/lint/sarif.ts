/**
 * `--format sarif`: SARIF 2.1.0, the format GitHub code scanning, GitLab and Azure DevOps read
 * to annotate a pull request. One run of the `alttext` tool; every rule of `LINT_RULES` with its
 * summary, why and how to fix, and its configured level; one result per finding with the file
 * (relative to the current folder, which CI runs from the repository root) and line/column.
 */
import { relative, sep } from 'node:path'
import { LINT_RULES, type LintSettings } from '@alttextapi/core/node'
import type { Log, ReportingDescriptor, Result } from 'sarif'
import type { Finding } from './finding.js'

const LEVEL = { warn: 'warning', error: 'error', off: 'none' } as const

/** The SARIF log of `findings`; `cwd` is what file URIs are relative to (`%SRCROOT%`). */
export function toSarif(
  findings: readonly Finding[],
  settings: LintSettings,
  cwd: string,
  version: string,
): Log {
  const rules: ReportingDescriptor[] = LINT_RULES.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_, _dash, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary}: ${rule.why}.` },
    help: { text: `How to fix: ${rule.fix}.` },
    defaultConfiguration: {
      level: LEVEL[settings.rules[rule.id]],
      enabled: settings.rules[rule.id] !== 'off',
    },
  }))
  const index = new Map(LINT_RULES.map((rule, i) => [rule.id, i]))
  const results: Result[] = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: index.get(finding.rule) ?? 0,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(relative(cwd, finding.path)), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: Math.max(1, finding.line),
            startColumn: Math.max(1, finding.column),
          },
        },
      },
    ],
  }))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'alttext',
            semanticVersion: version,
            informationUri: 'https://github.com/alttextapi/alttextapi/tree/main/plugins/cli',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  }
}

/** A relative path as a URI reference: `/` separators, each segment percent-encoded. */
function fileUri(path: string): string {
  return path.split(sep).map(encodeURIComponent).join('/')
}
