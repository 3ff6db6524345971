/** `alttext fix <dir>`: fills missing alt text in built HTML files, in place. */
import { readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { LIMITS } from '@alttextapi/core'
import {
  createAltTextRun,
  DEFAULTS,
  fillAltText,
  ImageLoadError,
  type Options,
} from '@alttextapi/rehype'
import { decodePage } from '../encoding.js'
import { findHtmlFiles, writeAtomic } from '../files.js'
import { fixFiles } from '../fix-files.js'
import type { Command } from '../io.js'
import {
  checkRunFlags,
  NoApiKeyError,
  RUN_FLAGS,
  runOptions,
  type SharedRunOptions,
} from '../run-flags.js'

const HELP = `Usage: alttext fix <dir> [options]

Fills missing alt text in every .html file under <dir> (any static site generator's output),
in place. Only the added alt attributes change; every other byte of a file stays as it was.

Options:
  --lang <tag>           language when a page has no <html lang> (default en)
  --concurrency <n>      API calls at once (default 4)
  --dry-run              report what would be described and the estimate (images to describe,
                         cached, credits needed against the balance); call nothing, write nothing
  --max-credits <n>      spend at most n credits in this run: a run whose estimate (printed
                         before anything is sent) is over it exits 1 having sent nothing
  --max-images <n>       describe at most n images in this run
  --cache <dir>          cache folder (default node_modules/.cache/alttextapi under the cwd)
  --cache-file <path>    the committed cache (default alt-text.json in the cwd; commit it)
  --no-cache             no cache: every image is described again
  --model <id>           model id (default: the API's default)
  --max-length <n>       longest alt text in characters, ${LIMITS.minMaxLength} to ${LIMITS.maxMaxLength}
                         (default ${LIMITS.defaultMaxLength})
  --base <path>          URL path the site is served under, e.g. /blog/ (default /)
  --remote <mode>        http(s) images: download (default), url (the API fetches), skip
  --allow-host <host>    let downloads reach this loopback/private host (repeatable); by default
                         a download to a private, local or metadata address is refused
  --overwrite            also replace existing alt text
  --mark-origin          add data-alt-origin="machine" to each <img> whose alt text a machine
                         wrote (not text a person wrote or edited in alt-text.json)
  --apply-decorative     write alt="" when the API judges an image decorative (default: leave
                         it and report it)
  --long                 also ask for long descriptions (charts, diagrams, screenshots of text;
                         extra credits) and write them as aria-describedby + a hidden <span>
  --fail-on-error        exit 1 when an image could not be described or a page was skipped
  --api-url <url>        API base URL (default ALTTEXT_API_URL or the hosted API)

alttext fix --source <dir> writes alt text into the Markdown/MDX source files under <dir>
instead; it takes the options above except --base and --overwrite, and --public <dir> (folder of
root-relative images, default <dir>) and --root <dir> (no image read outside it, default .).

The API key is read from ALTTEXT_API_KEY.
A fatal answer (bad key, no credits, 403, no model configured, the API unreachable) stops the
run at once with one message; pages already written keep their alt text.
Exit code: 0 when done (failures are reported), 1 when the run stopped on a fatal answer, when
alt-text.json could not keep what the run paid for, or with --fail-on-error and failures, 2 on
usage errors (a bad flag, an unknown --model: checked against GET /v1/models before anything is
sent).
`

/**
 * Reads a built site's local images as a browser would find them, and only inside `root`: a
 * relative source resolves as a URL against the page's URL (so `..` stops at the site root), and a
 * symlink that leads outside `root` is refused. Remote and `data:` sources fall through to rehype.
 */
export function siteImages(root: string, base: string, maxBytes: number): Options['resolveImage'] {
  const prefix = base.startsWith('/') ? (base.endsWith('/') ? base : `${base}/`) : '/'
  let realRoot: Promise<string> | undefined
  return async (src, file) => {
    if (/^([a-z][a-z\d+.-]*:|\/\/)/i.test(src) || !file.path) return undefined
    const page = relative(root, file.path).split(sep).join('/')
    let path = new URL(src, new URL(page, `http://site${prefix}`)).pathname
    try {
      path = decodeURIComponent(path)
    } catch {}
    if (path.startsWith(prefix)) path = path.slice(prefix.length - 1)
    let real: string
    try {
      real = await realpath(resolve(root, `.${path}`))
    } catch {
      throw new ImageLoadError(`Image file not found: ${src}`)
    }
    realRoot ??= realpath(root)
    const rel = relative(await realRoot, real)
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
      throw new ImageLoadError(`Image is outside the folder: ${src}`)
    const info = await stat(real)
    if (!info.isFile()) throw new ImageLoadError(`Not a file: ${src}`)
    if (info.size > maxBytes)
      throw new ImageLoadError(`Image is larger than ${maxBytes} bytes: ${src}`)
    return new Uint8Array(await readFile(real))
  }
}

export const fix: Command = {
  help: HELP,
  async run(args, io) {
    // Markdown/MDX sources are another file type with other options (src/source/).
    if (args.some((a) => a === '--source' || a.startsWith('--source=')))
      return (await import('../source/fix-source.js')).fixSource.run(args, io)
    let parsed: ReturnType<typeof parseFixArgs>
    try {
      parsed = parseFixArgs(args)
    } catch (error) {
      io.stderr.write(`alttext fix: ${(error as Error).message}\n\n${HELP}`)
      return 2
    }
    const { dir, values } = parsed
    let shared: SharedRunOptions
    try {
      shared = runOptions(values, io.cwd, io.env)
    } catch (error) {
      // A missing key says what to set; a bad number is a usage error, shown with the help.
      const help = error instanceof NoApiKeyError ? '' : `\n${HELP}`
      io.stderr.write(`alttext fix: ${(error as Error).message}\n${help}`)
      return 2
    }
    const root = resolve(io.cwd, dir)
    const basePath = values.base ?? '/'
    const options: Options = {
      ...shared,
      publicDir: root,
      basePath,
      resolveImage: siteImages(root, basePath, DEFAULTS.maxImageBytes),
      overwrite: values.overwrite,
      markOrigin: values['mark-origin'],
      applyDecorative: values['apply-decorative'],
      long: values.long,
      // The CLI draws its own progress (per page).
      progress: false,
    }
    const run = createAltTextRun(options)
    return fixFiles(
      run,
      root,
      {
        find: findHtmlFiles,
        skipped: 'skipped (not UTF-8)',
        async fill(path, run) {
          let bytes: Buffer
          try {
            bytes = await readFile(path)
          } catch (error) {
            return { kind: 'unreadable', reason: `could not read: ${(error as Error).message}` }
          }
          // UTF-8 or the legacy encoding the page declares, only when it round-trips exactly;
          // anything else is left alone rather than damaged.
          const page = decodePage(bytes)
          if (!page.ok) return { kind: 'skipped', reason: page.reason }
          const result = await fillAltText(page.text, { run, path })
          const s = result.result.stats
          return {
            kind: 'filled',
            messages: result.file.messages,
            changed: result.changed,
            images: s.images,
            failed: s.failed,
            write: () => writeAtomic(path, page.encode(result.html)),
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

function parseFixArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...RUN_FLAGS,
      base: { type: 'string' },
      overwrite: { type: 'boolean' },
      'mark-origin': { type: 'boolean' },
      'apply-decorative': { type: 'boolean' },
      long: { type: 'boolean' },
    },
  })
  if (positionals.length !== 1) throw new Error('give exactly one folder')
  checkRunFlags(values)
  return { dir: positionals[0] as string, values }
}
