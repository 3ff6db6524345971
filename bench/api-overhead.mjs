// API overhead: requests per second and p50/p99 latency of POST /v1/alt-text with a 100 KB image
// and a zero-latency fake model, against a minimal relay Worker sending the same image to the
// same fake model. Both run in `wrangler dev` (workerd) on this machine. A third Worker, the relay
// plus one D1 query, prices the one D1 round trip that exact charging needs.
import { startApi, startFakeModel } from '@alttextapi/testkit'
import sharp from 'sharp'
import { load, percentile, report } from './lib.mjs'
import { signup } from './test/support.mjs'
import { startRelay } from './workers.mjs'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400)
/** Unloaded latency (one request at a time) and latency under load. */
const LEVELS = [1, 8]

/** A ~100 KB JPEG of noise. */
async function image100k() {
  const width = 320
  const height = 260
  const raw = Buffer.alloc(width * height * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251
  for (let q = 95; q > 10; q -= 5) {
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: q })
      .toBuffer()
    if (jpeg.byteLength <= 110_000) return jpeg
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 10 })
    .toBuffer()
}

/** Rounds per level: the Workers take turns, so a drift of the machine's speed hits all alike. */
const ROUNDS = 5

/**
 * Measures each target at `concurrency`, in interleaved rounds of REQUESTS / ROUNDS requests,
 * and reports requests per second and p50/p99 of the pooled latencies.
 */
async function measureAll(targets, concurrency, forget = () => {}) {
  for (const { send } of targets) await load(send, { count: 40, concurrency }) // warm-up
  const pooled = targets.map(() => ({ latencies: [], wallMs: 0 }))
  const perRound = Math.ceil(REQUESTS / ROUNDS)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { send }] of targets.entries()) {
      forget()
      const { latencies, wallMs } = await load(send, { count: perRound, concurrency })
      pooled[i].latencies.push(...latencies)
      pooled[i].wallMs += wallMs
    }
  }
  return targets.map(({ label }, i) => {
    const { latencies, wallMs } = pooled[i]
    const rps = (latencies.length / wallMs) * 1000
    const p50 = percentile(latencies, 50)
    const p99 = percentile(latencies, 99)
    report(
      `${label}, ${concurrency} at a time`,
      `${rps.toFixed(0)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    )
    return { rps, p50, p99 }
  })
}

export async function run() {
  const model = await startFakeModel({ latencyMs: 0 })
  const vars = { OPENROUTER_API_KEY: 'bench', OPENROUTER_BASE_URL: model.url }
  const api = await startApi({
    vars: {
      ...vars,
      SIGNUP_CREDITS: '1000000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
    },
  })
  const relay = await startRelay(vars)
  try {
    const jpeg = await image100k()
    const base64 = jpeg.toString('base64')
    const { key } = await signup(api)
    const body = JSON.stringify({ image: base64 })
    const ours = async () => {
      const res = await fetch(`${api.url}/v1/alt-text`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
      })
      if (res.status !== 200) throw new Error(`API answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
    }
    const relayTo = (url) => async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      if (res.status !== 200) throw new Error(`relay answered ${res.status}`)
      await res.arrayBuffer()
    }
    const relayed = relayTo(relay.url)
    const relayedWithD1 = relayTo(`${relay.url}/with-d1`)
    // Where the difference goes: a route with no database work, and one with one D1 read.
    const health = async () => (await fetch(`${api.url}/health`)).arrayBuffer()
    const account = async () =>
      (
        await fetch(`${api.url}/v1/account`, { headers: { authorization: `Bearer ${key}` } })
      ).arrayBuffer()
    await measureAll(
      [
        { label: 'api overhead: GET /health (no D1)', send: health },
        { label: 'api overhead: GET /v1/account (1 D1 read)', send: account },
      ],
      1,
    )
    for (const concurrency of LEVELS) {
      const [a, b, d] = await measureAll(
        [
          { label: 'api overhead: POST /v1/alt-text (100 KB)', send: ours },
          { label: 'api overhead: relay Worker (100 KB)', send: relayed },
          { label: 'api overhead: relay + 1 D1 query', send: relayedWithD1 },
        ],
        concurrency,
        // The fake keeps every request it saw (images included): let it forget them between
        // rounds, or the bench process's heap — and its garbage collector — grows all the way.
        () => model.reset(),
      )
      const ratio = a.p50 / b.p50
      report(
        `api overhead: p50 ours / relay, ${concurrency} at a time`,
        `${ratio.toFixed(2)}×`,
        '≤ 1.5×',
        ratio <= 1.5,
      )
      report(
        `api overhead: p50 ours / relay + 1 D1, ${concurrency} at a time`,
        `${(a.p50 / d.p50).toFixed(2)}× (relay + 1 D1 / relay: ${(d.p50 / b.p50).toFixed(2)}×)`,
      )
    }
  } finally {
    await relay.stop()
    await api.stop()
    await model.close()
  }
}
