/**
 * `alttext fix --source <dir>`: writes missing alt text into the Markdown/MDX source files
 * themselves (only the text between `[` and `]`, or an added `alt` attribute of an HTML/JSX
 * `<img>`, changes; every other byte stays), so the descriptions are committed and reviewed.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { LIMITS } from '@alttextapi/core'
import { createAltTextRun, fillMarkdownSource, type Options } from '@alttextapi/remark'
import { fixFiles } from '../fix-files.js'
import type { Command } from '../io.js'
import { checkRunFlags, NoApiKeyError, RUN_FLAGS, runOptions } from '../run-flags.js'
import { findSourceFiles, readSource, writeIfUnchanged } from './files.js'
import { createTreeMemo } from './tree-memo.js'

const HELP = `Usage: alttext fix --source <dir> [options]

Writes missing alt text into every .md, .mdx and .markdown file under <dir>, in place: only the
text between [ and ] of an image with an empty description (and an alt attribute added to an
HTML or JSX <img> without one) changes; every other byte of a file stays. Images with alt text
and decorative ones (<img src="…" alt="">) are left alone. A file that changes on disk during
the run is not overwritten.

Options:
  --public <dir>         static folder of root-relative images (/img/a.png) (default <dir>)
  --root <dir>           no image outside it or --public is read (default the current folder)
  --lang <tag>           language when the front matter has no lang/language (default en)
  --concurrency <n>      API calls at once (default 4)
  --dry-run              report what would be described and the estimate (images to describe,
                         cached, credits needed against the balance); call nothing, write nothing
  --max-credits <n>      spend at most n credits in this run: a run whose estimate (printed
                         before anything is sent) is over it exits 1 having sent nothing
  --max-images <n>       describe at most n images in this run
  --cache-file <path>    the committed cache (default alt-text.json in the cwd; commit it)
  --cache <dir>          second-level cache folder (default node_modules/.cache/alttextapi)
  --no-cache             no cache: every image is described again
  --model <id>           model id (default: the API's default)
  --max-length <n>       longest alt text in characters, ${LIMITS.minMaxLength} to ${LIMITS.maxMaxLength}
                         (default ${LIMITS.defaultMaxLength})
  --remote <mode>        http(s) images: download (default), url (the API fetches), skip
  --allow-host <host>    let downloads reach this loopback/private host (repeatable)
  --fail-on-error        exit 1 when an image could not be described or a file was skipped
  --api-url <url>        API base URL (default ALTTEXT_API_URL or the hosted API)

The API key is read from ALTTEXT_API_KEY.
Exit code: 0 when done (failures are reported), 1 when the run stopped on a fatal answer, when
alt-text.json could not keep what the run paid for, or with --fail-on-error and failures, 2 on
usage errors (a bad flag, an unknown --model: checked against GET /v1/models before anything is
sent).
`

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...RUN_FLAGS,
      source: { type: 'string' },
      public: { type: 'string' },
      root: { type: 'string' },
    },
  })
  if (!values.source) throw new Error('--source needs a folder')
  if (positionals.length > 0)
    throw new Error(`with --source, give no other folder (got ${positionals.join(' ')})`)
  checkRunFlags(values)
  return values
}

export const fixSource: Command = {
  help: HELP,
  async run(args, io) {
    let values: ReturnType<typeof parse>
    let options: Options
    try {
      values = parse(args)
      const source = resolve(io.cwd, values.source as string)
      options = {
        ...runOptions(values, io.cwd, io.env),
        publicDir: values.public ? resolve(io.cwd, values.public) : source,
        root: values.root ? resolve(io.cwd, values.root) : io.cwd,
      }
    } catch (error) {
      // A missing key says what to set; a usage error is shown with the help.
      const help = error instanceof NoApiKeyError ? '' : `\n${HELP}`
      io.stderr.write(`alttext fix: ${(error as Error).message}\n${help}`)
      return 2
    }
    const run = createAltTextRun(options)
    const mainRun = run
    const trees = createTreeMemo()
    return fixFiles(
      run,
      resolve(io.cwd, values.source as string),
      {
        find: findSourceFiles,
        skipped: 'skipped',
        async fill(path, run) {
          // The estimate's dry pass reads and parses every file first; the real pass takes them.
          const estimate = run !== mainRun
          const parsed = estimate ? undefined : trees.take(path)
          const read = parsed?.read ?? readSource(path)
          if (!read.ok) return { kind: read.error ? 'unreadable' : 'skipped', reason: read.reason }
          const result = await fillMarkdownSource(read.text, { run, path, tree: parsed?.tree })
          if (estimate) trees.keep(path, read, result.tree)
          const s = result.result.stats
          return {
            kind: 'filled',
            messages: result.file.messages,
            changed: result.changed,
            images: s.images,
            failed: s.failed,
            write: () => writeIfUnchanged(read, result.text),
          }
        },
      },
      io,
      {
        failOnError: values['fail-on-error'],
        model: options.model,
        maxCredits: options.maxCredits,
      },
    )
  },
}
