/** `alttext check <dir>`: lists images without alt text; exit 1 when there is any (for CI). */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { displaySource, needsReview, sanitizeForTerminal } from '@alttextapi/core/node'
// The scanner alone: not the run, the client, sharp or the download stack `fix` needs.
import { scanHtml } from '@alttextapi/rehype/scan'
import { decodePage } from '../encoding.js'
import { findHtmlFiles } from '../files.js'
import type { Command, CommandIO } from '../io.js'
import { plural } from '../plural.js'

export const check: Command = {
  help: `Usage: alttext check <dir>

Lists every <img> without an alt attribute as file:line:column src.
alt="" (decorative) and role="presentation"/"none" count as answered.
--estimate also prints what describing them would cost: images to describe, cached (alt-text.json
and the cache folder in the cwd), credits needed against the balance (read when ALTTEXT_API_KEY is
set). Nothing is sent to be described, nothing is written.
Exit code: 0 when every image has alt, 1 when some do not or a page could not be read (or is in
an encoding it cannot decode: named as skipped), 2 on usage errors.
alttext check --source <dir> checks Markdown/MDX source files instead.
--require-reviewed also fails (exit 1) while alt-text.json (--cache-file <path>) holds machine
alt text no person has reviewed (approve or edit it with alttext review <dir>); each is listed as
alt-text.json: <image hash> "text".
`,
  async run(args, io) {
    if (args.some((a) => a === '--source' || a.startsWith('--source='))) {
      // --require-reviewed is about alt-text.json, the same for sources as for built pages.
      const reviewed = takeReviewFlags(args)
      const code = await (await import('../source/check-source.js')).checkSource.run(
        reviewed.rest,
        io,
      )
      if (!reviewed.require) return code
      const unreviewed = await reportUnreviewed(resolve(io.cwd, reviewed.file), io)
      return code !== 0 ? code : unreviewed === 0 ? 0 : 1
    }
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        estimate: { type: 'boolean' },
        'require-reviewed': { type: 'boolean' },
        'cache-file': { type: 'string' },
      },
    })
    const dir = positionals[0]
    if (!dir || positionals.length > 1) {
      io.stderr.write(this.help)
      return 2
    }
    const root = resolve(io.cwd, dir)
    const files = await findHtmlFiles(root, (path, why) =>
      io.stderr.write(`${sanitizeForTerminal(relative(io.cwd, path) || path)}: skipped: ${why}\n`),
    )
    let missing = 0
    let pages = 0
    const withMissing: string[] = []
    let unreadable = 0
    for (const file of files) {
      const name = sanitizeForTerminal(relative(io.cwd, file) || file)
      let bytes: Buffer
      try {
        bytes = await readFile(file)
      } catch (error) {
        // An unreadable page is named and counted, and the others are still checked.
        unreadable++
        io.stderr.write(
          `${name}: could not read: ${(error as NodeJS.ErrnoException).code ?? error}\n`,
        )
        continue
      }
      // Legacy-encoded pages are read in their declared encoding, as `fix` does. A page in no
      // encoding it can read is not read at all: named, counted, and the check fails (its images
      // are unknown, not answered). No tree is built: parse5's tokenizer finds the images.
      const page = decodePage(bytes)
      if (!page.ok) {
        unreadable++
        io.stderr.write(`${name}: skipped: ${page.reason}\n`)
        continue
      }
      const { images, problems } = scanHtml(page.text)
      for (const problem of problems)
        io.stderr.write(
          `${name}:${problem.line}:${problem.column}: broken HTML (${problem.code}): ${problem.message}\n`,
        )
      const without = images.filter((image) => image.alt === 'missing')
      if (without.length > 0) {
        pages++
        withMissing.push(file)
      }
      for (const image of without) {
        missing++
        const start = image.node.position?.start
        io.stdout.write(
          `${name}:${start?.line ?? 0}:${start?.column ?? 0} ${image.src ? displaySource(image.src) : '(no src)'}\n`,
        )
      }
    }
    if (unreadable > 0)
      io.stderr.write(`alttext: ${plural(unreadable, 'file')} could not be read\n`)
    io.stderr.write(
      missing === 0
        ? `alttext: every image ${unreadable > 0 ? 'read ' : ''}has alt text (${plural(files.length, 'file')})\n`
        : `alttext: ${plural(missing, 'image')} without alt text in ${pages} of ${plural(files.length, 'file')}\n`,
    )
    // What describing them would cost (loads `fix`'s pipeline only when asked).
    if (values.estimate && missing > 0) {
      const [{ estimateFiles }, { siteImages }, { DEFAULTS }] = await Promise.all([
        import('../estimate.js'),
        import('./fix.js'),
        import('@alttextapi/rehype'),
      ])
      const images = siteImages(root, '/', DEFAULTS.maxImageBytes)
      io.stderr.write(`${await estimateFiles(root, withMissing, io, images)}\n`)
    }
    const unreviewed = values['require-reviewed']
      ? await reportUnreviewed(resolve(io.cwd, values['cache-file'] ?? 'alt-text.json'), io)
      : 0
    return missing === 0 && unreadable === 0 && unreviewed === 0 ? 0 : 1
  },
}

/** `--require-reviewed` and `--cache-file <path>` taken out of `args` (for `--source`). */
function takeReviewFlags(args: string[]): { require: boolean; file: string; rest: string[] } {
  const rest: string[] = []
  let require = false
  let file = 'alt-text.json'
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--require-reviewed') require = true
    else if (arg === '--cache-file' && i + 1 < args.length) file = args[++i] as string
    else if (arg.startsWith('--cache-file=')) file = arg.slice('--cache-file='.length)
    else rest.push(arg)
  }
  return { require, file, rest }
}

/**
 * Lists the machine alt text of the committed file that no person has reviewed; resolves to how
 * many (a file with problems counts as one: it cannot be trusted to say).
 */
async function reportUnreviewed(path: string, io: CommandIO): Promise<number> {
  const { readForReview } = await import('../review/store.js')
  const name = sanitizeForTerminal(relative(io.cwd, path) || path)
  const read = await readForReview(path, name)
  if (!read.ok) {
    for (const problem of read.problems) io.stderr.write(`${sanitizeForTerminal(problem)}\n`)
    io.stderr.write(`alttext: ${name} has problems; fix them by hand\n`)
    return 1
  }
  const open = read.items.filter((item) => needsReview(item.entry))
  for (const item of open)
    io.stdout.write(
      `${name}: ${item.hash.slice(0, 12)}… ${sanitizeForTerminal(JSON.stringify(item.entry.altText))} (${item.entry.language}, ${sanitizeForTerminal(item.entry.model)})\n`,
    )
  io.stderr.write(
    open.length === 0
      ? `alttext: every machine alt text is reviewed (${name})\n`
      : `alttext: ${plural(open.length, 'machine alt text')} not reviewed in ${name} (approve or edit: alttext review <dir>)\n`,
  )
  return open.length
}
