/**
 * `alttext check --source <dir>`: lists the images of Markdown/MDX source files that have no alt
 * text (`![](x.png)`, an HTML or JSX `<img>` without `alt`) as file:line:column src; exit 1 when
 * there is any, for CI. Decorative images (`<img src="…" alt="">`) count as answered.
 */
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { displaySource, sanitizeForTerminal } from '@alttextapi/core/node'
import { findImages, parseMarkdown } from '@alttextapi/remark'
import type { Command } from '../io.js'
import { plural } from '../plural.js'
import { findSourceFiles, readSource } from './files.js'

export const checkSource: Command = {
  help: `Usage: alttext check --source <dir>

Lists every image without alt text in the .md, .mdx and .markdown files under <dir> as
file:line:column src: ![](x.png) and ![ ](x.png) (an empty description), and HTML or JSX <img>
without an alt attribute. <img src="…" alt=""> marks a decorative image and counts as answered.
Exit code: 0 when every image has alt text, 1 when some do not (or a file could not be read,
decoded or parsed: binary, not UTF-8 and huge files are named as skipped), 2 on usage errors.
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { source: { type: 'string' } },
    })
    if (!values.source || positionals.length > 0) {
      io.stderr.write(this.help)
      return 2
    }
    const out = (path: string) => sanitizeForTerminal(relative(io.cwd, path) || path)
    // Files not read, not decoded or not parsed: named on stderr, and they fail the check.
    let unreadable = 0
    const files = await findSourceFiles(resolve(io.cwd, values.source), (path, why) =>
      io.stderr.write(`${out(path)}: skipped: ${why}\n`),
    )
    let missing = 0
    let pages = 0
    for (const path of files) {
      const read = readSource(path)
      if (!read.ok) {
        // Skipped (binary, not UTF-8, huge) counts too: its images are unknown, not answered.
        unreadable++
        io.stderr.write(`${out(path)}: ${read.error ? '' : 'skipped: '}${read.reason}\n`)
        continue
      }
      const body = read.text.startsWith('\uFEFF') ? read.text.slice(1) : read.text
      let tree: ReturnType<typeof parseMarkdown>
      try {
        tree = parseMarkdown(body, /\.mdx$/i.test(path))
      } catch (error) {
        unreadable++
        const at = error as { line?: number; column?: number }
        io.stderr.write(
          `${out(path)}:${at.line ?? 0}:${at.column ?? 0}: could not parse: ${sanitizeForTerminal((error as Error).message)}\n`,
        )
        continue
      }
      const images = findImages(tree).filter((image) => image.state === 'missing')
      if (images.length > 0) pages++
      for (const image of images) {
        missing++
        const start = image.position?.start
        io.stdout.write(
          `${out(path)}:${start?.line ?? 0}:${start?.column ?? 0} ${image.src ? displaySource(image.src) : '(no src)'}\n`,
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
    return missing === 0 && unreadable === 0 ? 0 : 1
  },
}
