// API overhead: requests per second and p50/p99 latency of POST /v1/alt-text with a 100 KB image
// and a zero-latency fake model, against a minimal relay Worker sending the same image to the
// same fake model. Both run in `wrangler dev` (workerd) on this machine.
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

async function measure(label, send, concurrency) {
  await load(send, { count: 40, concurrency }) // warm-up
  const { latencies, wallMs } = await load(send, { count: REQUESTS, concurrency })
  const rps = (REQUESTS / wallMs) * 1000
  const p50 = percentile(latencies, 50)
  const p99 = percentile(latencies, 99)
  report(
    `${label}, ${concurrency} at a time`,
    `${rps.toFixed(0)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
  )
  return { rps, p50, p99 }
}

export async function run() {
  const model = await startFakeModel({ latencyMs: 0 })
  const vars = { OPENROUTER_API_KEY: 'bench', OPENROUTER_BASE_URL: model.url }
  const api = await startApi({
    vars: { ...vars, SIGNUP_CREDITS: '1000000', RATE_LIMIT_PER_MINUTE: '1000000' },
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
    const relayed = async () => {
      const res = await fetch(relay.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      if (res.status !== 200) throw new Error(`relay answered ${res.status}`)
      await res.arrayBuffer()
    }
    // Where the difference goes: a route with no database work, and one with one D1 read.
    const health = async () => (await fetch(`${api.url}/health`)).arrayBuffer()
    const account = async () =>
      (
        await fetch(`${api.url}/v1/account`, { headers: { authorization: `Bearer ${key}` } })
      ).arrayBuffer()
    await measure('api overhead: GET /health (no D1)', health, 1)
    await measure('api overhead: GET /v1/account (1 D1 read)', account, 1)
    for (const concurrency of LEVELS) {
      const a = await measure('api overhead: POST /v1/alt-text (100 KB)', ours, concurrency)
      const b = await measure('api overhead: relay Worker (100 KB)', relayed, concurrency)
      const ratio = a.p50 / b.p50
      report(
        `api overhead: p50 ours / relay, ${concurrency} at a time`,
        `${ratio.toFixed(2)}×`,
        '≤ 1.5×',
        ratio <= 1.5,
      )
    }
  } finally {
    await relay.stop()
    await api.stop()
    await model.close()
  }
}
