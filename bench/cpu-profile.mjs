// Where the API's CPU goes, against the relay floor: both Workers run under `wrangler dev`, each
// is sampled by Linux `perf` (call graphs of its workerd processes) while it answers the same
// requests one at a time (single inline image by default; PROFILE_SHAPE=batch for batches of 8),
// and every sample is put in one bucket by the frames on its stack (the first bucket that
// matches, in the order below). Prints CPU ms per request of each bucket for the API, the relay
// and their difference: the part of `api-overhead`'s gap each kind of work takes.
//
// Not part of `pnpm bench` (it needs `perf`: Debian's linux-perf); run it with
// `pnpm --filter @alttextapi/bench profile`. JavaScript shows as one bucket: workerd has no perf
// map, so JIT frames are unnamed; the V8 sampling profiler through wrangler's inspector names them
// but misattributes time (BENCHMARKS.md), which is why this counts native frames instead.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { startApi, startFakeModel } from '@alttextapi/testkit'
import { apiVars, image100k, variant } from './api-overhead.mjs'
import { load, workerdProcesses } from './lib.mjs'
import { signup } from './test/support.mjs'
import { startRelay } from './workers.mjs'

const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 1500)
const BATCH = process.env.PROFILE_SHAPE === 'batch'
/** perf's sampling rate: about one sample per millisecond of CPU. */
const HZ = 999

/** Buckets, first match wins: a name and the frame fragments that put a sample in it. */
const BUCKETS = [
  [
    'D1 statements, in the database object',
    ['transactionSync', 'SqlStorage', 'sqlite3', 'SqliteDatabase'],
  ],
  [
    'inspector events (wrangler dev only)',
    ['Inspector', 'reportToInspector', 'ResponseStreamWrapper'],
  ],
  [
    'garbage collection',
    ['CollectGarbage', 'MinorGC', 'Scavenge', 'MarkCompact', 'ConcurrentMarking', 'Sweeper'],
  ],
  ['JSON parse and stringify', ['JsonParser', 'JsonStringif', 'JsonCodec']],
  ['crypto (SHA-256)', ['sha256', 'Crypto', 'EVP_', 'digest']],
  [
    'subrequests (fetch, the D1 binding)',
    ['fetchImpl', 'Fetcher::fetch', 'Request::constructor', 'SubrequestClient'],
  ],
  ['V8 compilers', ['Compil', 'Turbofan', 'Maglev', 'Sparkplug']],
  ['JavaScript (JIT code, unnamed)', ['[unknown]', 'Builtins_Interpreter']],
  ['the rest: incoming request, streams, event loop, kernel', ['']],
]

/** Samples the workerd processes of `pgid` while `work` runs; resolves with samples per bucket. */
async function sample(pgid, work) {
  const dir = mkdtempSync(join(tmpdir(), 'alttext-perf-'))
  const data = join(dir, 'perf.data')
  const pids = workerdProcesses(pgid)
    .map(({ pid }) => pid)
    .join(',')
  const perf = spawn('perf', ['record', '-F', String(HZ), '-g', '-p', pids, '-o', data], {
    stdio: 'ignore',
  })
  const exited = new Promise((resolve) => perf.once('exit', resolve))
  await new Promise((resolve) => setTimeout(resolve, 500)) // perf attaches
  if (perf.exitCode !== null) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(
      `perf record could not sample workerd (pids ${pids || 'none'}): run as root, or lower /proc/sys/kernel/perf_event_paranoid`,
    )
  }
  try {
    await work()
  } finally {
    perf.kill('SIGINT')
    await exited
  }
  const counts = new Map(BUCKETS.map(([name]) => [name, 0]))
  const script = spawn('perf', ['script', '-i', data, '-F', 'ip,sym'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  let frames = []
  const flush = () => {
    if (frames.length === 0) return
    const [name] = BUCKETS.find(([, parts]) => frames.some((f) => parts.some((p) => f.includes(p))))
    counts.set(name, counts.get(name) + 1)
    frames = []
  }
  for await (const line of createInterface({ input: script.stdout })) {
    if (line.trim() === '') flush()
    else frames.push(line)
  }
  flush()
  rmSync(dir, { recursive: true, force: true })
  if ([...counts.values()].every((n) => n === 0)) {
    throw new Error('perf recorded no samples of workerd: nothing to report')
  }
  return counts
}

export async function run() {
  if (spawnSync('perf', ['--version']).status !== 0) {
    throw new Error('cpu-profile needs Linux perf on PATH (Debian: apt-get install linux-perf)')
  }
  const model = await startFakeModel({ latencyMs: 0 })
  const jpeg = await image100k()
  let serial = 0
  const image = () => ({ image: variant(jpeg, serial++).toString('base64') })
  const body = () => (BATCH ? { images: Array.from({ length: 8 }, image) } : image())
  const vars = { OPENROUTER_API_KEY: 'bench', OPENROUTER_BASE_URL: model.url }
  const api = await startApi({ vars: apiVars(vars) })
  const relay = await startRelay(vars)
  try {
    const { key } = await signup(api)
    const targets = [
      {
        name: 'API',
        server: api,
        path: BATCH ? '/v1/alt-text/batch' : '/v1/alt-text',
        headers: () => ({ authorization: `Bearer ${key}`, 'idempotency-key': crypto.randomUUID() }),
      },
      {
        name: 'relay + 1 D1',
        server: relay,
        path: BATCH ? '/batch/with-d1' : '/with-d1',
        headers: () => ({}),
      },
      // What one D1 query costs here: the floor without it (the relay batches only with D1).
      ...(BATCH ? [] : [{ name: 'relay, no D1', server: relay, path: '/', headers: () => ({}) }]),
    ]
    const results = []
    for (const { server, path, headers } of targets) {
      const send = async () => {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers() },
          body: JSON.stringify(body()),
        })
        const text = await res.text()
        if (res.status !== 200)
          throw new Error(`${server.url}${path} answered ${res.status}: ${text}`)
      }
      await load(send, { count: 30, concurrency: 1 }) // warm-up
      results.push(await sample(server.pid, () => load(send, { count: REQUESTS, concurrency: 1 })))
      model.reset()
    }
    const ms = (samples) => ((samples / HZ) * 1000) / REQUESTS
    const rows = BUCKETS.map(([name]) => [name, ...results.map((counts) => ms(counts.get(name)))])
    const total = [
      'total',
      ...results.map((counts) => ms([...counts.values()].reduce((a, b) => a + b))),
    ]
    console.log(
      `\nworkerd CPU ms per request (${BATCH ? 'batch of 8' : 'single'}, inline, ${REQUESTS} requests)`,
    )
    const heads = [...targets.map((t) => t.name), 'API − relay + 1 D1']
    console.log(`${'bucket'.padEnd(56)} ${heads.map((h) => h.padStart(13)).join(' ')}`)
    for (const [name, ours, floor, ...rest] of [...rows, total]) {
      const cells = [ours, floor, ...rest, ours - floor].map((v) => v.toFixed(2).padStart(13))
      console.log(`${name.padEnd(56)} ${cells.join(' ')}`)
    }
  } finally {
    await relay.stop()
    await api.stop()
    await model.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
