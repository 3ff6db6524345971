/**
 * Lints the built HTML pages of a folder: parse5's tokenizer (rehype's `scanHtml`, no tree) finds
 * the images with their context and `lang`, rehype's `lintPage` runs core's rules.
 */
import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { type LintSettings, sanitizeForTerminal } from '@alttextapi/core/node'
import { lintPage } from '@alttextapi/rehype/lint'
import { scanHtml } from '@alttextapi/rehype/scan'
import { decodePage } from '../encoding.js'
import { findHtmlFiles } from '../files.js'
import type { CommandIO } from '../io.js'
import type { LintResult } from './finding.js'

/** Lints every page under `root`; `lang` is the language of pages without `<html lang>`. */
export async function lintHtmlFolder(
  root: string,
  settings: LintSettings,
  io: CommandIO,
  lang: string | undefined,
): Promise<LintResult> {
  const name = (path: string) => sanitizeForTerminal(relative(io.cwd, path) || path)
  const files = await findHtmlFiles(root, (path, why) =>
    io.stderr.write(`${name(path)}: skipped: ${why}\n`),
  )
  const result: LintResult = { files: files.length, findings: [], unreadable: 0 }
  for (const path of files) {
    let bytes: Buffer
    try {
      bytes = await readFile(path)
    } catch (error) {
      result.unreadable++
      io.stderr.write(
        `${name(path)}: could not read: ${(error as NodeJS.ErrnoException).code ?? error}\n`,
      )
      continue
    }
    // A page in no encoding it can read is named and counted, as one that cannot be read.
    const page = decodePage(bytes)
    if (!page.ok) {
      result.unreadable++
      io.stderr.write(`${name(path)}: skipped: ${page.reason}\n`)
      continue
    }
    const { images } = scanHtml(page.text)
    for (const finding of lintPage(images, settings, lang))
      result.findings.push({
        path,
        line: finding.line,
        column: finding.column,
        rule: finding.rule,
        severity: finding.severity,
        message: finding.message,
        src: finding.image.src,
        alt: finding.image.altText ?? '',
      })
  }
  return result
}
