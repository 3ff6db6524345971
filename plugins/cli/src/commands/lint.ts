/**
 * `alttext lint <dir>`: lists existing alt text that does not help — a file name, a placeholder,
 * "image of…", the caption repeated, too long, the same text on different images of a page —
 * with core's rules (`lintAlt`, `duplicateAlts`). Exit 1 when there is any, for CI.
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { duplicateAlts, lintAlt, sanitizeForTerminal } from '@alttextapi/core/node'
import { scanHtml } from '@alttextapi/rehype/scan'
import { decodePage } from '../encoding.js'
import { findHtmlFiles } from '../files.js'
import type { Command } from '../io.js'
import { plural } from '../plural.js'

export const lint: Command = {
  help: `Usage: alttext lint <dir> [--max-length <n>]

Lists existing alt text that does not help, as file:line:column rule: message.
Rules: file-name (a file name or URL), placeholder ("image", "IMG_1234"…), redundant-prefix
("image of…"), repeats-caption (the figcaption word for word), too-long (over --max-length,
default 150 characters), duplicate (the same text on different images of one page).
Missing alt is check's job; alt="" (decorative) is not linted.
Exit code: 0 when nothing is found, 1 when something is, 2 on usage errors.
`,
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { 'max-length': { type: 'string' } },
    })
    const dir = positionals[0]
    const maxLength = values['max-length'] === undefined ? undefined : Number(values['max-length'])
    if (!dir || positionals.length > 1 || (maxLength !== undefined && !(maxLength > 0))) {
      io.stderr.write(this.help)
      return 2
    }
    const root = resolve(io.cwd, dir)
    const files = await findHtmlFiles(root, (path, why) =>
      io.stderr.write(`${sanitizeForTerminal(relative(io.cwd, path) || path)}: skipped: ${why}\n`),
    )
    let found = 0
    let unreadable = 0
    for (const file of files) {
      const name = sanitizeForTerminal(relative(io.cwd, file) || file)
      let bytes: Buffer
      try {
        bytes = await readFile(file)
      } catch (error) {
        unreadable++
        io.stderr.write(
          `${name}: could not read: ${(error as NodeJS.ErrnoException).code ?? error}\n`,
        )
        continue
      }
      const page = decodePage(bytes)
      const images = scanHtml(page.ok ? page.text : bytes.toString('utf8')).images.filter(
        (image) => image.alt === 'present' && image.altText !== undefined,
      )
      const problems = images.map((image) =>
        lintAlt(image.altText ?? '', { src: image.src, caption: image.context.caption, maxLength }),
      )
      const pairs = images.map((image) => ({ alt: image.altText ?? '', src: image.src }))
      for (const i of duplicateAlts(pairs))
        problems[i]?.push({
          rule: 'duplicate',
          message: 'the same alt text is on another image of this page: say how they differ',
        })
      images.forEach((image, i) => {
        const start = image.node.position?.start
        for (const problem of problems[i] ?? []) {
          found++
          io.stdout.write(
            `${name}:${start?.line ?? 0}:${start?.column ?? 0} ${problem.rule}: ${sanitizeForTerminal(problem.message)}\n`,
          )
        }
      })
    }
    io.stderr.write(
      found === 0
        ? `alttext: no alt text problems (${plural(files.length, 'file')})\n`
        : `alttext: ${plural(found, 'alt text problem')} in ${plural(files.length, 'file')}\n`,
    )
    return found === 0 && unreadable === 0 ? 0 : 1
  },
}
