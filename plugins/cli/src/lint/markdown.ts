/**
 * Lints the Markdown/MDX source files of a folder (`alttext lint --source <dir>`): remark's
 * `findImages` and `lintMarkdown`, the page language from each file's front matter (`lang` or
 * `language`), else `--lang`.
 */
import { relative } from 'node:path'
import { type LintSettings, sanitizeForTerminal } from '@alttextapi/core/node'
import { findImages, lintMarkdown, parseMarkdown, readFrontMatter } from '@alttextapi/remark'
import type { CommandIO } from '../io.js'
import { findSourceFiles, readSource } from '../source/files.js'
import type { LintResult } from './finding.js'

/** Lints every source file under `root`. */
export async function lintSourceFolder(
  root: string,
  settings: LintSettings,
  io: CommandIO,
  lang: string | undefined,
): Promise<LintResult> {
  const name = (path: string) => sanitizeForTerminal(relative(io.cwd, path) || path)
  const files = await findSourceFiles(root, (path, why) =>
    io.stderr.write(`${name(path)}: skipped: ${why}\n`),
  )
  const result: LintResult = { files: files.length, findings: [], unreadable: 0 }
  for (const path of files) {
    const read = readSource(path)
    if (!read.ok) {
      // Skipped (binary, not UTF-8, huge) counts too: its alt text was not linted.
      result.unreadable++
      io.stderr.write(`${name(path)}: ${read.error ? '' : 'skipped: '}${read.reason}\n`)
      continue
    }
    const body = read.text.startsWith('\uFEFF') ? read.text.slice(1) : read.text
    let tree: ReturnType<typeof parseMarkdown>
    try {
      tree = parseMarkdown(body, /\.mdx$/i.test(path))
    } catch (error) {
      result.unreadable++
      const at = error as { line?: number; column?: number }
      io.stderr.write(
        `${name(path)}:${at.line ?? 0}:${at.column ?? 0}: could not parse: ${sanitizeForTerminal((error as Error).message)}\n`,
      )
      continue
    }
    // Only the tree's own front matter is read: no host has parsed anything into the file here.
    const front = readFrontMatter(tree, { data: {} } as Parameters<typeof readFrontMatter>[1])
    const images = findImages(tree, front.title)
    for (const finding of lintMarkdown(images, settings, front.language ?? lang))
      result.findings.push({
        path,
        line: finding.line,
        column: finding.column,
        rule: finding.rule,
        severity: finding.severity,
        message: finding.message,
        src: finding.image.src,
        alt: finding.alt,
      })
  }
  return result
}
