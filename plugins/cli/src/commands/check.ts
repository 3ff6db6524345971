/** `alttext check <dir>`: lists images without alt text; exit 1 when there is any (for CI). */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { displaySource, sanitizeForTerminal } from '@alttextapi/core/node'
import { findImages } from '@alttextapi/rehype'
import type { Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { decodePage } from '../encoding.js'
import { findHtmlFiles } from '../files.js'
import type { Command } from '../io.js'
import { plural } from '../plural.js'

const parser = unified().use(rehypeParse)

export const check: Command = {
  help: `Usage: alttext check <dir>

Lists every <img> without an alt attribute as file:line:column src.
alt="" (decorative) and role="presentation"/"none" count as answered.
Exit code: 0 when every image has alt, 1 when some do not, 2 on usage errors.
`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} })
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
    for (const file of files) {
      // Legacy-encoded pages are read in their declared encoding, as `fix` does.
      const bytes = await readFile(file)
      const page = decodePage(bytes)
      const tree = parser.parse(page.ok ? page.text : bytes.toString('utf8')) as Root
      const images = findImages(tree).filter((image) => image.alt === 'missing')
      if (images.length > 0) pages++
      for (const image of images) {
        missing++
        const start = image.node.position?.start
        const name = sanitizeForTerminal(relative(io.cwd, file) || file)
        io.stdout.write(
          `${name}:${start?.line ?? 0}:${start?.column ?? 0} ${image.src ? displaySource(image.src) : '(no src)'}\n`,
        )
      }
    }
    io.stderr.write(
      missing === 0
        ? `alttext: every image has alt text (${plural(files.length, 'file')})\n`
        : `alttext: ${plural(missing, 'image')} without alt text in ${pages} of ${plural(files.length, 'file')}\n`,
    )
    return missing === 0 ? 0 : 1
  },
}
