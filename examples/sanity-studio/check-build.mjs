// The example's test: `sanity build` succeeded (run it if the root build has not), the plugin is
// in the bundle, and no AltText API key is in what editors download.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('./dist/', import.meta.url).pathname
if (!existsSync(join(dist, 'index.html')))
  execFileSync('pnpm', ['run', 'build'], { stdio: 'inherit' })

const files = readdirSync(join(dist, 'static')).filter((f) => f.endsWith('.js'))
const code = files.map((f) => readFileSync(join(dist, 'static', f), 'utf8')).join('\n')
const fail = (message) => {
  console.error(`example-sanity-studio: ${message}`)
  process.exit(1)
}
for (const text of ['Generate missing alt text', 'Generate alt text', 'secrets.alttextapi'])
  if (!code.includes(text)) fail(`the bundle lacks "${text}": the plugin is not in it`)
const key = code.match(/atk_[A-Za-z0-9]{32,}/)
if (key) fail(`the bundle contains an API key (${key[0].slice(0, 8)}…)`)
console.log(`example-sanity-studio: build ok (${files.length} scripts), plugin present, no API key`)
