/**
 * Records what `api()` sends and receives (in workerd), and posts a test file's exchanges to the
 * collector when the file ends (setup file: test/contract/flush.ts).
 */
import type { Exchange } from './exchanges.js'

const recorded: Exchange[] = []

/** Headers the contract speaks about (the rest is transport). */
const REQUEST_HEADERS = ['content-type', 'idempotency-key', 'authorization', 'stripe-signature']
const RESPONSE_HEADERS = [
  'content-type',
  'retry-after',
  'idempotent-replayed',
  'content-disposition',
]

function pick(headers: Headers, names: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names) {
    const value = headers.get(name)
    if (value !== null) out[name] = name === 'authorization' ? value.replace(/\s\S+$/, ' …') : value
  }
  return out
}

const isJson = (type: string | null) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(type ?? '')

/** Records one exchange: the request as built, and a clone of the answer (the test reads its own). */
export async function record(request: Request, body: unknown, response: Response): Promise<void> {
  const url = new URL(request.url)
  const responseBody = isJson(response.headers.get('content-type'))
    ? await response.clone().text()
    : null
  recorded.push({
    method: request.method,
    url: `${url.pathname}${url.search}`,
    requestHeaders: pick(request.headers, REQUEST_HEADERS),
    requestBody: typeof body === 'string' && body.length <= 256 * 1024 ? body : null,
    status: response.status,
    responseHeaders: pick(response.headers, RESPONSE_HEADERS),
    responseBody,
    file: '',
  })
}

/** Posts the recorded exchanges (tagged with `file`) to the collector and forgets them. */
export async function flush(collectorUrl: string, file: string): Promise<void> {
  if (recorded.length === 0) return
  const lines = recorded.splice(0).map((exchange) => JSON.stringify({ ...exchange, file }))
  const res = await fetch(collectorUrl, { method: 'POST', body: `${lines.join('\n')}\n` })
  if (res.status !== 204) throw new Error(`the exchange collector answered ${res.status}`)
}
