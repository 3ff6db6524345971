/**
 * `alttext review <dir>`: a local page to review the machine-written alt text of alt-text.json
 * (approve, or edit), with each image's thumbnail from <dir>; or `--report <file.html>`, the same
 * list as a static page. See `../review/` for the server, the page and the file rules.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { dirname, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { needsReview, sanitizeForTerminal } from '@alttextapi/core/node'
import type { Command, CommandIO } from '../io.js'
import { plural } from '../plural.js'
import { renderPage } from '../review/page.js'
import { startReviewServer } from '../review/server.js'
import { readForReview } from '../review/store.js'
import { findThumbnails } from '../review/thumbnails.js'

const HELP = `Usage: alttext review <dir> [options]

Serves a page on 127.0.0.1 to review the alt text in alt-text.json: each image (its thumbnail
from <dir>, the built site), its text, origin (machine, edited, human), model and review status.
Approve writes reviewed (by, at) into the file; an edit writes the new text as origin "edited",
reviewed. The address has a per-run token; requests without it are refused. Ctrl-C stops it.

Options:
  --cache-file <path>    the committed cache (default alt-text.json in the cwd)
  --report <file.html>   write a static report (no server, no changes) and exit
  --reviewer <name>      the name written as reviewed.by (default: your user name)
  --port <n>             the port (default: a free one)

A file with problems (unknown fields, bad values, broken JSON) is reported with its lines and
never rewritten: fix it by hand first.
Exit code: 0 when done (the server stopped, the report written), 1 when the file has problems,
2 on usage errors.
`

function stopped(io: CommandIO): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    if (io.signal?.aborted) return resolve()
    io.signal?.addEventListener('abort', done, { once: true })
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
}

/** `path` as a relative URL from `from` (a folder): each segment encoded. */
function relativeUrl(from: string, path: string): string {
  return relative(from, path).split(sep).map(encodeURIComponent).join('/')
}

export const review: Command = {
  help: HELP,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'cache-file': { type: 'string' },
        report: { type: 'string' },
        reviewer: { type: 'string' },
        port: { type: 'string' },
      },
    })
    const dir = positionals[0]
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!dir || positionals.length > 1 || !Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr.write(HELP)
      return 2
    }
    const root = resolve(io.cwd, dir)
    const file = resolve(io.cwd, values['cache-file'] ?? 'alt-text.json')
    const fileName = sanitizeForTerminal(relative(io.cwd, file) || file)
    const read = await readForReview(file, fileName)
    if (!read.ok) {
      for (const problem of read.problems) io.stderr.write(`${sanitizeForTerminal(problem)}\n`)
      io.stderr.write(
        `alttext review: ${fileName} has problems; fix them by hand first (nothing was changed)\n`,
      )
      return 1
    }
    const thumbnails = await findThumbnails(root)
    const open = read.items.filter((i) => needsReview(i.entry)).length
    const imageName = (hash: string) => {
      const path = thumbnails.get(hash)
      return path ? relative(root, path) : undefined
    }
    if (values.report !== undefined) {
      const out = resolve(io.cwd, values.report)
      const html = renderPage({
        mode: 'report',
        items: read.items,
        fileName,
        thumbnail: (hash) => {
          const path = thumbnails.get(hash)
          return path ? relativeUrl(dirname(out), path) : undefined
        },
        imageName,
      })
      // A report is an output, not a file someone edits: a plain write (the folder made).
      await mkdir(dirname(out), { recursive: true })
      await writeFile(out, html)
      io.stderr.write(
        `alttext review: report of ${plural(read.items.length, 'alt text')} (${open} to review) written to ${sanitizeForTerminal(relative(io.cwd, out) || out)}\n`,
      )
      return 0
    }
    const server = await startReviewServer({
      file,
      fileName,
      root,
      thumbnails,
      reviewer: values.reviewer ?? userInfo().username,
      port,
      log: (line) => io.stderr.write(`alttext review: ${sanitizeForTerminal(line)}\n`),
    })
    io.stdout.write(`${server.url}\n`)
    io.stderr.write(
      `alttext review: ${plural(read.items.length, 'alt text')}, ${open} to review. Open the address above (only on this machine); Ctrl-C stops.\n`,
    )
    await stopped(io)
    await server.close()
    return 0
  },
}
