// Preloaded (`node --import`) into a child whose CPU time a benchmark measures: at exit it writes
// the process's CPU time (user + system, all threads, ms) to ALTTEXT_BENCH_CPU_FILE. On a shared
// machine wall times follow the other processes' load; CPU time follows the work done.
import { writeFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

const file = process.env.ALTTEXT_BENCH_CPU_FILE
if (file && isMainThread)
  process.on('exit', () => {
    const { user, system } = process.cpuUsage()
    writeFileSync(file, String((user + system) / 1000))
  })
