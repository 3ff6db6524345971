// `pnpm dev`: builds what the Worker imports, applies the D1 migrations locally, then serves the
// API and dashboard on http://127.0.0.1:8787. Nothing here reaches beyond loopback.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const apiDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
}
const run = (command, args, cwd = apiDir, extraEnv = {}) => {
  const result = spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run('pnpm', ['--filter', '@alttextapi/core', 'build'], join(apiDir, '..'))
// The dashboard is static files the Worker serves from dashboard/dist (wrangler needs the folder).
run('pnpm', ['run', '--if-present', 'build:dashboard'])
mkdirSync(join(apiDir, 'dashboard', 'dist'), { recursive: true })
if (!existsSync(join(apiDir, '.dev.vars'))) {
  console.log(
    'No api/.dev.vars: generation answers 503 model_not_configured and billing 503 billing_not_configured.',
  )
  console.log('Copy api/.dev.vars.example to api/.dev.vars and fill in what you need.')
}
// CI=true: apply without the "continue?" prompt (the local database is the developer's own).
run('pnpm', ['exec', 'wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], apiDir, {
  CI: 'true',
})
run('pnpm', [
  'exec',
  'wrangler',
  'dev',
  '--ip',
  '127.0.0.1',
  '--port',
  process.env.PORT ?? '8787',
  ...process.argv.slice(2),
])
