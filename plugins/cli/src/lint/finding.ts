/** One finding of `alttext lint`, whichever file type it came from. */
import type { LintRuleId } from '@alttextapi/core/node'

export interface Finding {
  /** Absolute path of the page or source file. */
  path: string
  line: number
  column: number
  rule: LintRuleId
  severity: 'warn' | 'error'
  message: string
  /** The image source and alt text as written. */
  src: string
  alt: string
}

/** What a lint of a folder found. */
export interface LintResult {
  files: number
  findings: Finding[]
  /** Files that could not be read or parsed (named on stderr; they make the exit code 1). */
  unreadable: number
}

/** `findings` grouped by file, in the order the files first appear. */
export function byFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const files = new Map<string, Finding[]>()
  for (const finding of findings)
    files.set(finding.path, [...(files.get(finding.path) ?? []), finding])
  return files
}
