/**
 * The one run of `alttext fix` over a folder's files, shared by `fix <dir>` (built HTML) and
 * `fix --source <dir>` (Markdown/MDX): the committed cache's problems before anything is spent,
 * the walk, four files at a time with progress, the fatal stop, the writes, the summary, the
 * failures by kind, the cost (estimate of a dry run, the budget's stop) and the exit code. Each
 * mode gives only how a file is found, read, filled and written: the loop was copied once, and
 * the copy lost a call (the warning about a broken alt-text.json) and never had another (the cost).
 */
import { relative } from 'node:path'
import { createLimiter } from '@alttextapi/core'
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { type AltTextRun, formatStats } from '@alttextapi/rehype'
import {
  estimateBeforeSpending,
  reportCacheProblems,
  reportCost,
  reportUnkeptAnswers,
} from './estimate.js'
import { ChangedOnDiskError, type SkipHandler } from './files.js'
import type { CommandIO } from './io.js'
import { plural } from './plural.js'
import { createProgress } from './progress.js'

/** A message about a file (the fields of a VFile message printed here). */
export interface FileMessage {
  reason: string
  ruleId?: string | null | undefined
  line?: number | null | undefined
  column?: number | null | undefined
}

/** What filling one file gave. */
export type FileFill =
  /** The file could not be read (counted as not written). */
  | { kind: 'unreadable'; reason: string }
  /** The file is left alone on purpose: binary, not UTF-8, huge (counted as skipped). */
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'filled'
      /** The file's messages (a VFile's: image problems with their place). */
      messages: readonly FileMessage[]
      /** Alt texts written into the content. */
      changed: number
      /** Images the file needed described, and how many failed. */
      images: number
      failed: number
      /** Writes the filled content; throws `ChangedOnDiskError` when the file changed meanwhile. */
      write(): void | Promise<void>
    }

/** What `fixFiles` needs from a mode. */
export interface FixMode {
  /** Every file to work on under `dir`; a path left out is named to `onSkip`. */
  find(dir: string, onSkip: SkipHandler): Promise<string[]>
  /** Reads and fills one file through `run` (nothing written yet): the command's run, or the
   * dry run of the estimate a real run prints first. */
  fill(path: string, run: AltTextRun): Promise<FileFill>
  /** How skipped files are named in the summary, e.g. `skipped (not UTF-8)`. */
  skipped: string
}

/** The options of the command that change the end of the run. */
export interface FixEnd {
  failOnError?: boolean | undefined
  model?: string | undefined
  maxCredits?: number | undefined
}

/**
 * Fills every file of `dir` through `mode`, with `run` shared by all of them, and reports as
 * `alttext fix` does. Resolves to the exit code (2 for a `--model` the API does not list; 1 on a
 * fatal stop, over the budget, when alt-text.json could not keep a new answer, or with
 * `failOnError` and a failure or a file not written or skipped; else 0).
 */
export async function fixFiles(
  run: AltTextRun,
  dir: string,
  mode: FixMode,
  io: CommandIO,
  end: FixEnd = {},
): Promise<number> {
  // A broken alt-text.json is named before anything is spent; one it cannot read stops the run.
  if (!(await reportCacheProblems(run, io.stderr, io.cwd))) return 1
  const name = (path: string) => relative(io.cwd, path) || path
  const skippedLines: string[] = []
  const files = await mode.find(dir, (path, why) =>
    skippedLines.push(`${name(path)}: skipped: ${why}`),
  )
  // A real run says what it will cost before it spends anything, and stops over --max-credits.
  // (or an unknown --model: one error, exit 2).
  if (!run.dryRun) {
    const stop = await estimateBeforeSpending(run, files, mode.fill, io, end)
    if (stop !== 0) return stop
  }
  const progress = createProgress(io.stderr, files.length)
  for (const line of skippedLines) progress.log(line)
  const limit = createLimiter(4)
  let written = 0
  let notWritten = 0
  let skipped = 0
  let notProcessed = 0
  const status = () =>
    `${run.stats.described} described · ${run.stats.cached} cached · ${run.stats.failed} failed`
  await Promise.all(
    files.map((path) =>
      limit(async () => {
        // Once the run has stopped, the other files are left as they are (and counted).
        if (run.fatal) {
          notProcessed++
          progress.tick(undefined, status())
          return
        }
        const fill = await mode.fill(path, run)
        if (fill.kind !== 'filled') {
          // One unreadable file must not end the run (and lose the summary of what was spent).
          if (fill.kind === 'unreadable') notWritten++
          else skipped++
          const why = fill.kind === 'skipped' ? 'skipped: ' : ''
          progress.log(`${name(path)}: ${why}${fill.reason}`)
          progress.tick(undefined, status())
          return
        }
        for (const message of fill.messages) {
          if (message.ruleId === 'fatal') continue
          progress.log(
            `${name(path)}:${message.line ?? 0}:${message.column ?? 0}: ${message.reason}`,
          )
        }
        if (fill.changed > 0 && !run.dryRun) {
          try {
            await fill.write()
            written++
          } catch (error) {
            notWritten++
            const why = error instanceof ChangedOnDiskError ? 'not written' : 'could not write'
            progress.log(`${name(path)}: ${why}: ${(error as Error).message}`)
          }
        }
        progress.tick(
          fill.images > 0
            ? `${name(path)}: ${fill.changed} alt added, ${fill.failed} failed`
            : undefined,
          status(),
        )
      }),
    ),
  )
  progress.end()
  const prefix = run.dryRun ? 'alttext (dry run)' : 'alttext'
  const counts = [
    plural(files.length, 'file'),
    `${written} rewritten`,
    ...(notWritten > 0 ? [`${notWritten} not written`] : []),
    ...(skipped > 0 ? [`${skipped} ${mode.skipped}`] : []),
    ...(notProcessed > 0 ? [`${notProcessed} not processed (run stopped)`] : []),
  ].join(', ')
  io.stdout.write(
    `${prefix}: ${counts}, ${plural(run.stats.images, 'image')} without alt: ${formatStats(run.stats, run.dryRun)}\n`,
  )
  // The API's per-image failures, once per kind (the lines above name each image).
  for (const group of run.summary().failures)
    io.stderr.write(
      `alttext: ${group.count}× ${group.code}: ${sanitizeForTerminal(group.message)}\n`,
    )
  // Answers alt-text.json could not keep: the pages have them, the next run pays again (exit 1).
  const unkept = reportUnkeptAnswers(run, io.stderr, io.cwd)
  const fatal = run.fatal
  if (fatal) {
    io.stderr.write(`alttext fix: stopped: ${sanitizeForTerminal(fatal.message)}\n`)
    return 1
  }
  const cost = await reportCost(run, io.stdout, io.stderr, end)
  if (cost !== 0) return cost
  if (unkept) return 1
  return end.failOnError && (run.stats.failed > 0 || notWritten > 0 || skipped > 0) ? 1 : 0
}
