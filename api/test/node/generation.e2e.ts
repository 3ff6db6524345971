/**
 * Generation end to end: `wrangler dev` with a fresh local D1, the fake OpenRouter and the local
 * image server from testkit, all over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

interface Testkit {
  startApi(options: {
    vars: Record<string, string>
  }): Promise<{ url: string; stop(): Promise<void> }>
  startFakeModel(): Promise<{ url: string; calls: number; close(): Promise<void> }>
  startImageServer(): Promise<{ url: string; close(): Promise<void> }>
  pngFile(width?: number, height?: number, seed?: number): Uint8Array<ArrayBuffer>
}

const testkit = (await import(
  new URL('../../../testkit/src/index.js', import.meta.url).href
)) as Testkit

let api: Awaited<ReturnType<Testkit['startApi']>>
let model: Awaited<ReturnType<Testkit['startFakeModel']>>
let images: Awaited<ReturnType<Testkit['startImageServer']>>

beforeAll(async () => {
  model = await testkit.startFakeModel()
  images = await testkit.startImageServer()
  api = await testkit.startApi({
    vars: {
      OPENROUTER_API_KEY: 'sk-or-e2e',
      OPENROUTER_BASE_URL: model.url,
      ALLOW_PRIVATE_IMAGE_URLS: 'true',
      RATE_LIMIT_PER_MINUTE: '1000',
      SIGNUP_CREDITS: '10',
    },
  })
})

afterAll(async () => {
  await api?.stop()
  await model?.close()
  await images?.close()
})

async function signup(): Promise<string> {
  const res = await fetch(`${api.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `e2e-${crypto.randomUUID()}@example.com`,
      password: 'a long enough password',
    }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { apiKey: { key: string } }).apiKey.key
}

describe('generation over real HTTP', () => {
  it('describes an uploaded file and an image URL', async () => {
    const key = await signup()
    const form = new FormData()
    form.append('image', new Blob([testkit.pngFile(1, 1, 1)]), 'a.png')
    form.append('language', 'en-GB')
    const upload = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    })
    expect(upload.status, await upload.clone().text()).toBe(200)
    expect(await upload.json()).toMatchObject({
      language: 'en-GB',
      creditsUsed: 1,
      creditsRemaining: 9,
    })
    const byUrl = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ imageUrl: `${images.url}/jpeg` }),
    })
    expect(await byUrl.json()).toMatchObject({ creditsRemaining: 8 })
  })

  it('cuts off a streamed upload without Content-Length past 10 MB', async () => {
    const key = await signup()
    const boundary = 'e2eboundary'
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
    )
    const chunk = new Uint8Array(1024 * 1024)
    let sent = 0
    // 40 MB offered as a stream; the server must answer 413 long before taking it all.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head)
        if (sent >= 40) return controller.close()
        sent++
        controller.enqueue(chunk)
      },
    })
    const res = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: 'half',
    } as RequestInit)
    // The server answers as soon as it has seen too much; the client may still be sending, and
    // the connection is closed after the status line, so the JSON body may not arrive.
    expect(res.status).toBe(413)
    const text = await res.text().catch(() => '')
    if (text) expect(JSON.parse(text).error.code).toBe('payload_too_large')
    expect(sent).toBeLessThan(40)
  })

  it('lets exactly 10 of 50 parallel requests through with credit for 10', async () => {
    const key = await signup()
    const before = model.calls
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${api.url}/v1/alt-text`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            image: Buffer.from(testkit.pngFile(1, 1, 1000 + i)).toString('base64'),
          }),
        }),
      ),
    )
    const statuses = responses.map((res) => res.status).sort()
    expect(statuses.filter((s) => s === 200)).toHaveLength(10)
    expect(statuses.filter((s) => s === 402)).toHaveLength(40)
    expect(model.calls - before).toBe(10)
    const credits = await fetch(`${api.url}/v1/account`, {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(((await credits.json()) as { credits: number }).credits).toBe(0)
  })
})
