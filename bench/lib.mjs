// Shared helpers of the benchmarks: timing, percentiles, one-line reports.
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export const now = () => performance.now()

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

/**
 * Runs `count` calls of `task` with at most `concurrency` in flight; returns latencies (ms) and
 * the wall time.
 */
export async function load(task, { count, concurrency }) {
  const latencies = []
  let next = 0
  const start = now()
  const worker = async () => {
    while (next < count) {
      const i = next++
      const t0 = now()
      await task(i)
      latencies.push(now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { latencies, wallMs: now() - start }
}

/** The results printed by `pnpm bench`: one line per figure, beside its target. */
export const results = []

/**
 * Records and prints one figure.
 * @param {string} name
 * @param {string} value human-readable figure
 * @param {string} target human-readable target ('' when there is none)
 * @param {boolean | undefined} ok whether the target is met (undefined: no target)
 */
export function report(name, value, target = '', ok = undefined) {
  const verdict = ok === undefined ? '' : ok ? 'ok' : 'MISSED'
  const line = `${name.padEnd(44)} ${value.padEnd(28)} ${target ? `target ${target}`.padEnd(34) : ''.padEnd(34)} ${verdict}`
  results.push({ name, value, target, ok })
  console.log(line.trimEnd())
}

/** A line describing this machine, for BENCHMARKS.md. */
export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`
}

/**
 * The `workerd` processes of process group `pgid` (a `wrangler dev` started detached: its group
 * holds its workerd children), each with its pid and the fields of /proc/<pid>/stat after the
 * command name. Linux only: reads /proc; elsewhere none.
 */
export function workerdProcesses(pgid) {
  let entries
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const found = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // the process ended meanwhile
    }
    // "pid (comm) state ppid pgrp … utime stime …": comm may hold spaces, so split after ')'.
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    if (comm === 'workerd' && Number(fields[2]) === pgid) found.push({ pid: entry, fields })
  }
  return found
}

/**
 * CPU time (user + system, ms) used so far by the `workerd` processes of process group `pgid`.
 * Linux only; elsewhere NaN.
 */
export function workerdCpuMs(pgid) {
  if (process.platform !== 'linux') return Number.NaN
  let ticks = 0
  for (const { fields } of workerdProcesses(pgid)) ticks += Number(fields[11]) + Number(fields[12])
  // USER_HZ is 100 on Linux.
  return ticks * 10
}
