/**
 * Builds alttextapi.zip for installation: the plugin files only (PHP, build output, languages,
 * readme), under a top folder `alttextapi/`. Needs `pnpm run build` first and the `zip` command.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const files = ['alttextapi.php', 'uninstall.php', 'readme.txt', 'includes', 'build', 'languages']
if (!existsSync(join(root, 'build/editor.js'))) {
  console.error('build/editor.js is missing: run `pnpm run build` first.')
  process.exit(1)
}
const stage = mkdtempSync(join(tmpdir(), 'alttextapi-zip-'))
try {
  for (const file of files) {
    if (existsSync(join(root, file)))
      cpSync(join(root, file), join(stage, 'alttextapi', file), { recursive: true })
  }
  const out = join(root, 'alttextapi.zip')
  rmSync(out, { force: true })
  execFileSync('zip', ['-qr', out, 'alttextapi'], { cwd: stage })
  console.log(`wrote ${out}`)
} finally {
  rmSync(stage, { recursive: true, force: true })
}
