// CPU time of a benchmark's child process (see cpu-at-exit.mjs): node arguments that preload the
// recorder, and the environment that names its file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const recorder = new URL('./cpu-at-exit.mjs', import.meta.url).href

/** `{ args, env, read }`: prepend `args` to node's arguments, add `env`; `read()` gives the ms. */
export function cpuProbe() {
  const dir = mkdtempSync(join(tmpdir(), 'alttext-bench-cpu-'))
  const file = join(dir, 'cpu')
  return {
    args: ['--import', recorder],
    env: { ALTTEXT_BENCH_CPU_FILE: file },
    read() {
      try {
        return Number(readFileSync(file, 'utf8'))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
