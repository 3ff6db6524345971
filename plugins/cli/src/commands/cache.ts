/**
 * `alttext cache prune <dir>`: drops the entries of the committed alt-text.json that no page
 * under <dir> uses. Every image of every page counts — with alt text or without (a page `fix`
 * already filled still uses its images) — found and read as `fix` finds them, hashed, never sent.
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { AltTextCache, CacheLookup } from '@alttextapi/core'
import { AltTextFile, sanitizeForTerminal } from '@alttextapi/core/node'
import { createAltTextRun, DEFAULTS, fillAltText } from '@alttextapi/rehype'
import { decodePage } from '../encoding.js'
import { findHtmlFiles } from '../files.js'
import type { Command } from '../io.js'
import { plural } from '../plural.js'
import { siteImages } from './fix.js'

const HELP = `Usage: alttext cache prune <dir> [options]

Drops the entries of the committed cache (alt-text.json) whose image no .html page under <dir>
uses any more. Images are read as alttext fix reads them (remote ones are downloaded) and
hashed; nothing is sent to the API and no page is changed.

Options:
  --cache-file <path>    the committed cache (default alt-text.json in the cwd)
  --base <path>          URL path the site is served under, e.g. /blog/ (default /)
  --allow-host <host>    let downloads reach this loopback/private host (repeatable)
  --dry-run              say what would be dropped; change nothing

Exit code: 0 when done, 1 when the file has problems (fix them first) or a page could not be
read (nothing is dropped then), 2 on usage errors.
`

/** A cache that remembers the image hashes asked for and answers nothing. */
function recorder(): AltTextCache & { hashes: Set<string> } {
  const hashes = new Set<string>()
  return {
    hashes,
    async get(_key: string, lookup?: CacheLookup) {
      if (lookup?.imageHash) hashes.add(lookup.imageHash)
      return undefined
    },
    async set() {},
  }
}

export const cache: Command = {
  help: HELP,
  async run(args, io) {
    let parsed: ReturnType<typeof parseCacheArgs>
    try {
      parsed = parseCacheArgs(args)
    } catch (error) {
      io.stderr.write(`alttext cache: ${(error as Error).message}\n\n${HELP}`)
      return 2
    }
    const { dir, values } = parsed
    const root = resolve(io.cwd, dir)
    const basePath = values.base ?? '/'
    const file = new AltTextFile({ path: resolve(io.cwd, values['cache-file'] ?? 'alt-text.json') })
    const problems = await file.problems()
    if (problems.length > 0) {
      for (const p of problems) io.stderr.write(`alttext cache: ${sanitizeForTerminal(p)}\n`)
      io.stderr.write('alttext cache: nothing pruned: fix the file first\n')
      return 1
    }
    const used = recorder()
    // A dry run that describes every image (also those with alt text) answers from `used`.
    const run = createAltTextRun({
      dryRun: true,
      overwrite: true,
      describeDecorative: true,
      cache: used,
      context: false,
      publicDir: root,
      basePath,
      resolveImage: siteImages(root, basePath, DEFAULTS.maxImageBytes),
      allowHosts: values['allow-host'],
      failOnError: false,
    })
    const files = await findHtmlFiles(root, (path, why) =>
      io.stderr.write(`${sanitizeForTerminal(relative(io.cwd, path) || path)}: skipped: ${why}\n`),
    )
    let unreadable = 0
    for (const path of files) {
      const name = sanitizeForTerminal(relative(io.cwd, path) || path)
      let page: ReturnType<typeof decodePage>
      try {
        page = decodePage(await readFile(path))
      } catch (error) {
        unreadable++
        io.stderr.write(`${name}: could not read: ${(error as Error).message}\n`)
        continue
      }
      if (!page.ok) {
        unreadable++
        io.stderr.write(`${name}: skipped: ${page.reason}\n`)
        continue
      }
      const result = await fillAltText(page.text, { run, path })
      for (const image of result.result.images)
        if (image.status === 'failed') {
          unreadable++
          io.stderr.write(`${name}: ${sanitizeForTerminal(image.reason ?? 'image not read')}\n`)
        }
    }
    // An image that could not be read may still be in use: pruning then could drop its text.
    if (unreadable > 0) {
      io.stderr.write('alttext cache: nothing pruned: some pages or images could not be read\n')
      return 1
    }
    const before = await file.hashes()
    const unused = before.filter((hash) => !used.hashes.has(hash))
    if (!values['dry-run']) await file.prune(used.hashes)
    io.stdout.write(
      `alttext cache prune: ${plural(before.length - unused.length, 'image')} in use, ${unused.length} ${values['dry-run'] ? 'would be dropped' : 'dropped'} (${sanitizeForTerminal(relative(io.cwd, file.path) || file.path)}, ${plural(files.length, 'file')})\n`,
    )
    return 0
  },
}

function parseCacheArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'cache-file': { type: 'string' },
      base: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
    },
  })
  const [sub, dir, ...rest] = positionals
  if (sub !== 'prune') throw new Error('the only subcommand is prune')
  if (!dir || rest.length > 0) throw new Error('give exactly one folder')
  return { dir, values }
}
