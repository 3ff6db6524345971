import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './http.js'

const ownApiDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'api')

const offline = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NO_COLOR: '1',
}

/**
 * Runs the real Worker with `wrangler dev` (workerd) and a fresh local D1 in a temporary folder,
 * migrations applied. Settings come only from `vars` (an env file in the temp folder), never from
 * the developer's `api/.dev.vars`. `apiDir`: another checkout of api/ (the benchmark runs an
 * earlier commit next to this one).
 * @param {{ vars?: Record<string, string>, log?: boolean, apiDir?: string }} [options]
 * @returns {Promise<{ url: string, persistDir: string, stop: () => Promise<void>, pid: number | undefined }>}
 */
export async function startApi(options = {}) {
  const apiDir = options.apiDir ?? ownApiDir
  const wrangler = join(apiDir, 'node_modules', '.bin', 'wrangler')
  const persistDir = mkdtempSync(join(tmpdir(), 'alttext-api-'))
  mkdirSync(join(apiDir, 'dashboard', 'dist'), { recursive: true })
  // A registry of its own: wrangler dev reloads its Worker whenever another `wrangler dev` on the
  // machine registers or leaves the shared registry, and a POST cut off by that reload answers 503
  // "Your worker restarted mid-request" (seen in the load test while other suites ran).
  const env = { ...process.env, ...offline, WRANGLER_REGISTRY_PATH: join(persistDir, 'registry') }
  const migrate = spawnSync(
    wrangler,
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir],
    {
      cwd: apiDir,
      env: { ...env, CI: 'true' },
      encoding: 'utf8',
    },
  )
  if (migrate.status !== 0)
    throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`)
  const envFile = join(persistDir, 'test.env')
  // Tests sign up many accounts from one address: lift the per-network sign-up limit.
  const vars = { BCRYPT_ROUNDS: '4', SIGNUP_LIMIT_PER_HOUR: '100000', ...options.vars }
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
      .join('\n'),
  )
  // A free port can be taken by another process before wrangler binds it (test files start
  // servers side by side): then wrangler is started again on new ports, a few times.
  for (let attempt = 1; ; attempt++) {
    const started = await launch(await freePort(), await freePort())
    if (started.ok) {
      const { url, kill, pid } = started
      const stop = async () => {
        await kill()
        rmSync(persistDir, { recursive: true, force: true })
      }
      return { url, persistDir, stop, pid }
    }
    if (attempt < 4 && /Address already in use/.test(started.output)) continue
    rmSync(persistDir, { recursive: true, force: true })
    throw new Error(`wrangler dev did not start:\n${started.output}`)
  }

  /**
   * Starts `wrangler dev` on `port` and waits for `/health`.
   * @param {number} port
   * @param {number} inspectorPort
   */
  async function launch(port, inspectorPort) {
    const child = spawn(
      wrangler,
      [
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--persist-to',
        persistDir,
        '--env-file',
        envFile,
        '--inspector-port',
        String(inspectorPort),
        '--show-interactive-dev-session=false',
        '--log-level',
        options.log ? 'info' : 'warn',
      ],
      { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
    let output = ''
    child.stdout.on('data', (d) => {
      output += d
      if (options.log) process.stdout.write(d)
    })
    child.stderr.on('data', (d) => {
      output += d
      if (options.log) process.stderr.write(d)
    })
    const url = `http://127.0.0.1:${port}`
    const kill = async () => {
      if (child.exitCode !== null) return
      try {
        process.kill(-(child.pid ?? 0), 'SIGTERM')
      } catch {}
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-(child.pid ?? 0), 'SIGKILL')
          } catch {}
          resolve(undefined)
        }, 3000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve(undefined)
        })
      })
    }
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break
      try {
        const res = await fetch(`${url}/health`)
        if (res.ok) return { ok: /** @type {const} */ (true), url, kill, pid: child.pid }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    await kill()
    return { ok: /** @type {const} */ (false), output }
  }
}
