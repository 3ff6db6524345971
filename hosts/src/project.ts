/** A fresh project outside the workspace, installed with npm from our tarballs and the registry. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type Finished, run, runOk } from './exec.js'
import type { Tarballs } from './pack.js'
import { type PackageName, withOurDependencies } from './workspace.js'

/** A project on disk. */
export interface Project {
  dir: string
  /** How long `npm install` took. */
  installMs: number
  /**
   * Runs a command in the project, or in `cwd` (relative to it); `node_modules/.bin` is not on
   * the PATH: use `npx`, as users do.
   */
  run(
    command: string,
    args: readonly string[],
    options?: { env?: Record<string, string>; cwd?: string },
  ): Promise<Finished>
  remove(): Promise<void>
}

/** What a project holds. */
export interface ProjectSpec {
  /** A short name, for the folder. */
  name: string
  /** Our packages the user installs (their dependencies among ours come along as tarballs). */
  ours: readonly PackageName[]
  /** Registry packages, name → exact version. */
  registry?: Record<string, string>
  /** Files, path relative to the project → content. */
  files?: Record<string, string | Uint8Array>
}

/** Writes `files` under `dir`, folders included. */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
}

/**
 * Creates the project in the system's temp folder — outside the workspace, so nothing resolves
 * from the workspace's node_modules — and installs it with npm, as a user would.
 */
export async function createProject(spec: ProjectSpec, tarballs: Tarballs): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), `alttext-host-${spec.name}-`))
  const dependencies: Record<string, string> = { ...spec.registry }
  for (const name of withOurDependencies(spec.ours)) dependencies[name] = `file:${tarballs[name]}`
  const manifest = { name: `host-${spec.name}`, private: true, type: 'module', dependencies }
  await writeFiles(dir, { 'package.json': `${JSON.stringify(manifest, null, 2)}\n`, ...spec.files })
  const started = Date.now()
  // --prefer-offline: a package npm has cached is not asked for again (the runs stay fast);
  // --no-package-lock: the project is thrown away.
  await runOk(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'],
    {
      cwd: dir,
      timeoutMs: 290_000,
    },
  )
  const installMs = Date.now() - started
  return {
    dir,
    installMs,
    run: (command, args, options = {}) =>
      run(command, args, {
        cwd: join(dir, options.cwd ?? ''),
        ...(options.env ? { env: options.env } : {}),
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
