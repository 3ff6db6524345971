// Starts the bench's baseline relay Worker with `wrangler dev` (the API itself comes from testkit),
// and prepares a checkout of the API at an earlier commit (to measure it in the same run).
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@alttextapi/testkit'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const wrangler = join(repo, 'api', 'node_modules', '.bin', 'wrangler')

/**
 * api/ and core/ (and the root tsconfig.json) as they were at commit `ref` (a hash, HEAD, …), in
 * a temporary folder, with this workspace's installed dependencies (linked: the commit must need
 * no package this workspace lacks) and core built. Returns
 * the api folder (for testkit's `startApi({ apiDir })`) and a function that removes it all. Runs
 * git and tsc synchronously: call it before any fake of this process serves.
 */
export function checkoutApi(ref) {
  if (!/^[\w./~^-]+$/.test(ref)) throw new Error(`not a commit: ${ref}`)
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: repo })
    .toString()
    .trim()
  const root = mkdtempSync(join(tmpdir(), 'alttext-before-'))
  try {
    const archive = execFileSync('git', ['archive', commit, 'api', 'core', 'tsconfig.json'], {
      cwd: repo,
      maxBuffer: 512 * 2 ** 20,
    })
    execFileSync('tar', ['-x', '-C', root], { input: archive })
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'))
    for (const pkg of ['api', 'core']) {
      // pnpm's links are relative (../../node_modules/.pnpm/…, ../../../core): kept as they are,
      // they resolve inside the checkout, so the old api uses the old core.
      cpSync(join(repo, pkg, 'node_modules'), join(root, pkg, 'node_modules'), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !source.includes(`${join(pkg, 'node_modules', '.vite')}`),
      })
    }
    execFileSync(join(root, 'core', 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: join(root, 'core'),
      stdio: 'inherit',
    })
  } catch (error) {
    rmSync(root, { recursive: true, force: true })
    throw error
  }
  return { apiDir: join(root, 'api'), remove: () => rmSync(root, { recursive: true, force: true }) }
}

/**
 * Runs relay/worker.js on a free port; resolves when it answers (`pid`: its process group).
 * `config`: the relay's wrangler file (`wrangler.assets.jsonc`: behind a static-assets router).
 */
export async function startRelay(vars, { config = 'wrangler.jsonc' } = {}) {
  const port = await freePort()
  // Its local D1 lives in a temporary folder, not in the repository.
  const persistDir = mkdtempSync(join(tmpdir(), 'alttext-relay-'))
  const args = [
    'dev',
    '--config',
    join(here, 'relay', config),
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
