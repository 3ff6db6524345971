/**
 * `alttext lint --fix`: asks the API for a new description of each image whose alt text failed
 * a rule — unless a person wrote it. Provenance is `alt-text.json`'s: an image whose entry for
 * the page's language has origin `human` or `edited` is never regenerated (it is reported as
 * kept). Text without an entry there, and machine text, are regenerated with `fresh: true` (no
 * reuse of the failing answer), through core's one client (`createDescriber`); the new text is
 * written into the page (only that alt attribute changes) and into `alt-text.json` as machine
 * text. Local images only (a remote image is reported, not downloaded); a fatal answer (401,
 * 402, 403, no model, unreachable) stops the run with one error.
 */
import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { createClient, createDescriber, readConfig, sha256Hex } from '@alttextapi/core'
import {
  AltTextFile,
  type LintSettings,
  prepareImage,
  sanitizeForTerminal,
  unsupportedImageReason,
} from '@alttextapi/core/node'
import {
  altEdit,
  applyEdits,
  contextString,
  DEFAULTS,
  type Edit,
  scanHtml,
} from '@alttextapi/rehype'
import { siteImages } from '../commands/fix.js'
import { decodePage } from '../encoding.js'
import { unkeptAnswers } from '../estimate.js'
import { writeAtomic } from '../files.js'
import type { CommandIO } from '../io.js'
import { byFile, type Finding } from './finding.js'

/** Options of `fixFindings`. */
export interface FixOptions {
  root: string
  base: string
  cacheFile: string
  apiUrl: string | undefined
  /** Language of pages without `lang`. Default `en`. */
  lang: string | undefined
  settings: LintSettings
}

/** What `--fix` did. */
export interface FixResult {
  /** The findings whose image got new alt text. */
  fixed: Set<Finding>
  regenerated: number
  /** Images kept because a person wrote their text. */
  kept: number
  /** Images not regenerated: remote, unreadable, refused, the API failed for it. */
  failed: number
  /** The fatal error that stopped the run. */
  fatal?: Error | undefined
  /** New answers could not be written into alt-text.json (said on stderr): the exit is 1. */
  unkept?: boolean | undefined
}

/** Regenerates the alt text of the HTML images `findings` are about. */
export async function fixFindings(
  findings: readonly Finding[],
  io: CommandIO,
  options: FixOptions,
): Promise<FixResult> {
  const result: FixResult = { fixed: new Set(), regenerated: 0, kept: 0, failed: 0 }
  const config = readConfig({ baseUrl: options.apiUrl }, io.env)
  const file = new AltTextFile({
    path: options.cacheFile,
    onProblems: (problems) => {
      for (const p of problems) io.stderr.write(`${sanitizeForTerminal(p)}\n`)
    },
  })
  // The describer ignores a cache's errors (the answer still reaches the page): the first failed
  // write into alt-text.json is kept here, to say that what was paid for is not kept.
  let unkept: unknown
  const describer = createDescriber({
    client: createClient({ apiKey: config.apiKey, baseUrl: config.baseUrl }),
    cache: {
      get: (key, lookup) => file.get(key, lookup),
      set: (key, value, lookup) =>
        file.set(key, value, lookup).catch((error: unknown) => {
          unkept ??= error
          throw error
        }),
    },
    batch: false,
    prepare: (bytes) => prepareImage(bytes),
  })
  const read = siteImages(options.root, options.base, DEFAULTS.maxImageBytes)
  for (const [path, pageFindings] of byFile(findings)) {
    const name = sanitizeForTerminal(relative(io.cwd, path) || path)
    const page = decodePage(await readFile(path))
    if (!page.ok) {
      result.failed += pageFindings.length
      io.stderr.write(`${name}: not fixed: ${page.reason}\n`)
      continue
    }
    const edits: Edit[] = []
    for (const image of scanHtml(page.text).images) {
      const start = image.node.position?.start
      const mine = pageFindings.filter((f) => f.line === start?.line && f.column === start?.column)
      if (mine.length === 0 || !image.tag) continue
      const where = `${name}:${start?.line}:${start?.column}`
      const language = image.lang ?? options.lang ?? DEFAULTS.language
      let bytes: Uint8Array | undefined
      try {
        bytes = await read?.(image.src, { path } as never)
      } catch (error) {
        io.stderr.write(`${where}: not fixed: ${sanitizeForTerminal((error as Error).message)}\n`)
      }
      const refused = bytes && unsupportedImageReason(bytes)
      if (!bytes || refused) {
        result.failed++
        if (!bytes && /^[a-z][a-z\d+.-]*:|^\/\//i.test(image.src))
          io.stderr.write(`${where}: not fixed: only local images are regenerated\n`)
        else if (refused) io.stderr.write(`${where}: not fixed: ${refused}\n`)
        continue
      }
      // A person's text is never replaced (DESIGN "Provenance").
      const known = await file.get('', { imageHash: await sha256Hex(bytes), language })
      if (known?.origin === 'human' || known?.origin === 'edited') {
        result.kept++
        io.stderr.write(`${where}: kept: a person wrote this image's alt text (alt-text.json)\n`)
        continue
      }
      const outcome = await describer.describe({
        bytes,
        language,
        context: contextString(image.context),
        purpose: image.context.linkOnly ? 'link' : undefined,
        fresh: true,
      })
      if (outcome.status === 'stopped') {
        result.fatal = outcome.error
        break
      }
      if (outcome.status !== 'described' && outcome.status !== 'cached') {
        result.failed++
        const why = outcome.status === 'failed' ? outcome.error.message : outcome.reason
        io.stderr.write(`${where}: not fixed: ${sanitizeForTerminal(why)}\n`)
        continue
      }
      if (outcome.decorative) {
        // Never applied silently: the API's judgement is reported, the page is left as it was.
        result.failed++
        io.stderr.write(`${where}: not fixed: the API suggests the image is decorative (alt="")\n`)
        continue
      }
      edits.push(altEdit(page.text, image.tag, outcome.altText))
      result.regenerated++
      for (const f of mine) result.fixed.add(f)
      io.stderr.write(`${where}: alt text regenerated\n`)
    }
    if (edits.length > 0) await writeAtomic(path, page.encode(applyEdits(page.text, edits)))
    if (result.fatal) break
  }
  if (unkept !== undefined) {
    io.stderr.write(unkeptAnswers(options.cacheFile, unkept, io.cwd))
    result.unkept = true
  }
  return result
}
