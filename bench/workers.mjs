// Starts the bench's baseline relay Worker with `wrangler dev` (the API itself comes from testkit).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@alttextapi/testkit'

const here = dirname(fileURLToPath(import.meta.url))
const wrangler = join(here, '..', 'api', 'node_modules', '.bin', 'wrangler')

/** Runs relay/worker.js on a free port; resolves when it answers (`pid`: its process group). */
export async function startRelay(vars) {
  const port = await freePort()
  // Its local D1 lives in a temporary folder, not in the repository.
  const persistDir = mkdtempSync(join(tmpdir(), 'alttext-relay-'))
  const args = [
    'dev',
    '--config',
    join(here, 'relay', 'wrangler.jsonc'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    persistDir,
    '--inspector-port',
    String(await freePort()),
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ]
  for (const [key, value] of Object.entries(vars)) args.push('--var', `${key}:${value}`)
  const child = spawn(wrangler, args, {
    cwd: join(here, 'relay'),
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_HIDE_BANNER: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM')
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 300))
    rmSync(persistDir, { recursive: true, force: true })
  }
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break
    try {
      await fetch(url, { method: 'GET' })
      return { url, stop, pid: child.pid }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await stop()
  throw new Error(`relay did not start:\n${output}`)
}
