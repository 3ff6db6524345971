/**
 * `alttext lint <dir>`: lists existing alt text that does not help, with core's rules (see
 * `LINT_RULES`), severities from `alttext.config.json`, as text, JSON or SARIF; exit 1 when any
 * finding is an error, for CI. `--source` lints Markdown/MDX sources; `--fix` regenerates what
 * failed unless a person wrote it (src/lint/fix.ts).
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { LINT_RULES, type LintSettings, sanitizeForTerminal } from '@alttextapi/core/node'
import type { Command } from '../io.js'
import { ConfigError, readLintSettings } from '../lint/config.js'
import type { LintResult } from '../lint/finding.js'
import { FORMATS, type Format, formatFindings } from '../lint/report.js'
import { plural } from '../plural.js'

/** The CLI's version, for SARIF's tool driver. */
const VERSION = '0.1.0'

const rules = LINT_RULES.map(
  (rule) => `  ${rule.id.padEnd(17)}${rule.severity.padEnd(6)}${rule.summary}`,
).join('\n')

const HELP = `Usage: alttext lint <dir> [options]
       alttext lint --source <dir> [options]

Lists existing alt text that does not help, as file:line:column severity rule: message.
Missing alt is check's job; alt="" (decorative) is not linted.

Rules (id, default severity, what it finds):
${rules}

Options:
  --format <f>         text (default), json, or sarif (SARIF 2.1.0, for pull-request annotations)
  --config <path>      the config file (default alttext.config.json in the cwd, if there is one);
                       its "lint" key: {"rules": {"<id>": "off"|"warn"|"error"}, "maxLength": 150,
                       "minConfidence": 0.8}
  --max-length <n>     too-long limit in characters (overrides the config)
  --lang <tag>         language of pages without <html lang> (or front matter lang); without it
                       such pages get no language rule
  --source <dir>       lint the Markdown/MDX sources (.md, .mdx, .markdown) under <dir> instead
  --fix                regenerate the alt text of every image with a finding, unless a person wrote
                       it (alt-text.json origin human or edited), in the page or (with --source)
                       in the Markdown/MDX file itself; needs ALTTEXT_API_KEY
  --cache-file <path>  alt-text.json (default in the cwd): provenance, and where new text is kept
  --base <path>        URL path the site is served under, for --fix (default /)
  --public <dir>       with --source --fix: static folder of root-relative images (default <dir>)
  --api-url <url>      API base URL for --fix (default ALTTEXT_API_URL or the hosted API)

Exit code: 0 when no finding is an error, 1 when one is (or a file could not be read or decoded,
or --fix stopped on a fatal answer), 2 on usage or configuration errors.
`

export const lint: Command = {
  help: HELP,
  async run(args, io) {
    let values: ReturnType<typeof parse>['values']
    let dir: string
    try {
      ;({ values, dir } = parse(args))
    } catch (error) {
      io.stderr.write(`alttext lint: ${(error as Error).message}\n\n${HELP}`)
      return 2
    }
    let settings: LintSettings
    try {
      settings = await readLintSettings(io.cwd, values.config)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      io.stderr.write(`alttext lint: ${sanitizeForTerminal(error.message)}\n`)
      return 2
    }
    if (values['max-length'] !== undefined)
      settings = { ...settings, maxLength: Number(values['max-length']) }
    if (values.fix && !io.env.ALTTEXT_API_KEY?.trim()) {
      io.stderr.write('alttext lint: --fix needs an API key: set ALTTEXT_API_KEY\n')
      return 2
    }
    const root = resolve(io.cwd, dir)
    // Only the reader a run needs is loaded (remark for sources, the tokenizer for HTML).
    const result: LintResult = values.source
      ? await (await import('../lint/markdown.js')).lintSourceFolder(
          root,
          settings,
          io,
          values.lang,
        )
      : await (await import('../lint/html.js')).lintHtmlFolder(root, settings, io, values.lang)
    let findings = result.findings
    let stopped = false
    if (values.fix && findings.length > 0) {
      const cacheFile = resolve(io.cwd, values['cache-file'] ?? 'alt-text.json')
      const fixed = values.source
        ? await (await import('../lint/fix-source.js')).fixSourceFindings(findings, io, {
            root,
            publicDir: values.public ? resolve(io.cwd, values.public) : undefined,
            cacheFile,
            apiUrl: values['api-url'],
            lang: values.lang,
          })
        : await (await import('../lint/fix.js')).fixFindings(findings, io, {
            root,
            base: values.base ?? '/',
            cacheFile,
            apiUrl: values['api-url'],
            lang: values.lang,
            settings,
          })
      findings = findings.filter((f) => !fixed.fixed.has(f))
      io.stderr.write(
        `alttext lint --fix: ${plural(fixed.regenerated, 'alt text')} regenerated, ${fixed.kept} kept (written by a person), ${fixed.failed} not fixed\n`,
      )
      if (fixed.unkept) stopped = true
      if (fixed.fatal) {
        stopped = true
        io.stderr.write(
          `alttext lint --fix: stopped: ${sanitizeForTerminal(fixed.fatal.message)}\n`,
        )
      }
    }
    const format = (values.format ?? 'text') as Format
    io.stdout.write(
      formatFindings(format, findings, {
        cwd: io.cwd,
        files: result.files,
        settings,
        version: VERSION,
      }),
    )
    const errors = findings.filter((f) => f.severity === 'error').length
    const warnings = findings.length - errors
    if (result.unreadable > 0)
      io.stderr.write(`alttext: ${plural(result.unreadable, 'file')} could not be read\n`)
    io.stderr.write(
      findings.length === 0
        ? `alttext: no alt text problems (${plural(result.files, 'file')})\n`
        : `alttext: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(result.files, 'file')}\n`,
    )
    return errors === 0 && result.unreadable === 0 && !stopped ? 0 : 1
  },
}

function parse(args: string[]) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      config: { type: 'string' },
      'max-length': { type: 'string' },
      lang: { type: 'string' },
      source: { type: 'string' },
      fix: { type: 'boolean' },
      'cache-file': { type: 'string' },
      base: { type: 'string' },
      public: { type: 'string' },
      'api-url': { type: 'string' },
    },
  })
  // `--source <dir>` as in check and fix: the folder holds Markdown/MDX sources.
  if (positionals.length + (values.source === undefined ? 0 : 1) !== 1)
    throw new Error('give exactly one folder')
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format))
    throw new Error('--format must be text, json or sarif')
  const max = values['max-length']
  if (max !== undefined && !(Number.isInteger(Number(max)) && Number(max) > 0))
    throw new Error('--max-length must be a whole number above 0')
  return { values, dir: (values.source ?? positionals[0]) as string }
}
