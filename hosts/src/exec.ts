/** Child processes for the hosts: asynchronous (the fake API lives in this process), clean env. */
import { spawn } from 'node:child_process'

/** What a finished child left. */
export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment a user's shell would have: without the `npm_*` settings pnpm hands its scripts,
 * and without vitest's (`NODE_ENV=test` would change how Vite builds).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|vitest|NODE_ENV$|TEST$|NODE_OPTIONS$|ALTTEXT_)/i.test(key)) continue
    env[key] = value
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...extra }
}

/** Runs a command to its end; never throws for a non-zero exit (the tests assert the code). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: userEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Like `run`, but a non-zero exit throws with the child's output (for setup steps). */
export async function runOk(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Finished> {
  const result = await run(command, args, options)
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    )
  return result
}
