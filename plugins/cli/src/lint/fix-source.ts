/**
 * `alttext lint --source <dir> --fix`: regenerates, in the Markdown/MDX files themselves, the alt
 * text of each image a rule flagged — unless a person wrote it. The same provenance as `--fix` on
 * HTML (`alt-text.json`: origin `human` or `edited` is kept and reported); the writing is remark's
 * `fillMarkdownSource` with `regenerate` (only the label between `[` and `]`, or an HTML `alt`,
 * changes; a file changed on disk meanwhile is not overwritten), through the same run as
 * `alttext fix --source`: one client, the committed cache, one fatal stop.
 */
import { relative, resolve } from 'node:path'
import { readConfig } from '@alttextapi/core'
import { sanitizeForTerminal } from '@alttextapi/core/node'
import {
  createAltTextRun,
  fillMarkdownSource,
  KEPT_BY_PERSON,
  type MarkdownImage,
} from '@alttextapi/remark'
import { reportUnkeptAnswers } from '../estimate.js'
import type { CommandIO } from '../io.js'
import { readSource, writeIfUnchanged } from '../source/files.js'
import { byFile, type Finding } from './finding.js'
import type { FixResult } from './fix.js'

/** Options of `fixSourceFindings`. */
export interface SourceFixOptions {
  /** The source folder linted. */
  root: string
  /** Static folder of root-relative images (`/img/a.png`). Default `root`. */
  publicDir?: string | undefined
  cacheFile: string
  apiUrl: string | undefined
  /** Language of files without front matter `lang`. Default `en`. */
  lang: string | undefined
}

/** Regenerates the alt text of the source images `findings` are about. */
export async function fixSourceFindings(
  findings: readonly Finding[],
  io: CommandIO,
  options: SourceFixOptions,
): Promise<FixResult> {
  const result: FixResult = { fixed: new Set(), regenerated: 0, kept: 0, failed: 0 }
  const config = readConfig({ baseUrl: options.apiUrl }, io.env)
  const run = createAltTextRun({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    language: options.lang,
    publicDir: options.publicDir ?? options.root,
    // Images are read inside the project only, as in `alttext fix --source`.
    root: io.cwd,
    cacheFile: options.cacheFile,
    cacheDir: resolve(io.cwd, 'node_modules', '.cache', 'alttextapi'),
    failOnError: false,
  })
  for (const [path, fileFindings] of byFile(findings)) {
    const name = sanitizeForTerminal(relative(io.cwd, path) || path)
    const read = readSource(path)
    if (!read.ok) {
      result.failed += fileFindings.length
      io.stderr.write(`${name}: not fixed: ${read.reason}\n`)
      continue
    }
    const at = (image: MarkdownImage) => {
      const start = image.position?.start
      return fileFindings.filter((f) => f.line === start?.line && f.column === start?.column)
    }
    const filled = await fillMarkdownSource(read.text, {
      run,
      path,
      regenerate: (image) => at(image).length > 0,
    })
    // Where an edit could not be made (label with brackets, JSX), remark left a message there.
    const notWritten = new Set(
      filled.file.messages
        .filter((m) => m.ruleId === 'not-written')
        .map((m) => `${m.line}:${m.column}`),
    )
    for (const message of filled.file.messages)
      if (message.ruleId === 'not-written' || message.ruleId === 'failed')
        io.stderr.write(
          `${name}:${message.line}:${message.column}: not fixed: ${sanitizeForTerminal(message.reason)}\n`,
        )
    for (const { image, status, altText, reason } of filled.result.images) {
      const start = image.position?.start
      const where = `${name}:${start?.line}:${start?.column}`
      if (status === 'skipped' && reason === KEPT_BY_PERSON) {
        result.kept++
        io.stderr.write(`${where}: kept: ${KEPT_BY_PERSON}\n`)
      } else if (altText !== undefined && !notWritten.has(`${start?.line}:${start?.column}`)) {
        result.regenerated++
        for (const f of at(image)) result.fixed.add(f)
        io.stderr.write(`${where}: alt text regenerated\n`)
      } else if (status !== 'stopped') {
        result.failed++
        if (status === 'skipped' && reason)
          io.stderr.write(`${where}: not fixed: ${sanitizeForTerminal(reason)}\n`)
      }
    }
    if (filled.changed > 0) {
      try {
        writeIfUnchanged(read, filled.text)
      } catch (error) {
        io.stderr.write(`${name}: not written: ${sanitizeForTerminal((error as Error).message)}\n`)
        for (const f of fileFindings)
          if (result.fixed.delete(f)) {
            result.regenerated--
            result.failed++
          }
      }
    }
    if (run.fatal) {
      result.fatal = run.fatal
      break
    }
  }
  if (reportUnkeptAnswers(run, io.stderr, io.cwd)) result.unkept = true
  return result
}
