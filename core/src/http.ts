/**
 * The transport: one JSON request with a per-attempt timeout, the caller's AbortSignal, and
 * retries (exponential backoff with jitter) on network errors, timeouts, 429 and 5xx. 4xx answers
 * such as 401 or 402 are never retried: the same request would fail the same way.
 */
import { AltTextError, errorFromResponse } from './alttext-error.js'
import { backoffDelay, parseRetryAfter, sleep } from './retry.js'

/** Everything the transport needs, fixed when the client is created. */
export interface Transport {
  baseUrl: string
  apiKey: string | undefined
  fetch: typeof fetch
  timeoutMs: number
  maxRetries: number
  retryBaseMs: number
  maxRetryDelayMs: number
  maxRetryAfterSeconds: number
  userAgent: string | undefined
}

/** One call: method, path (with query) and JSON body. */
export interface Call {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  signal?: AbortSignal | undefined
  /** Whether the route needs the API key (checked before sending, to save a round trip). */
  auth: boolean
  /** Extra request headers, the same on every retry (e.g. `Idempotency-Key`). */
  headers?: Record<string, string> | undefined
}

/** Node's fetch puts the system error in `cause`; say it, since "fetch failed" alone helps nobody. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)
  return `Could not reach the API (${reason})`
}

/** One attempt; throws AltTextError for every failure. */
async function attempt(transport: Transport, call: Call, headers: Headers): Promise<unknown> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, transport.timeoutMs)
  const onAbort = () => controller.abort()
  call.signal?.addEventListener('abort', onAbort, { once: true })
  const failure = (error: unknown): AltTextError => {
    if (error instanceof AltTextError) return error
    if (call.signal?.aborted)
      return new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted', cause: error })
    if (timedOut)
      return new AltTextError({
        code: 'timeout',
        status: 0,
        detail: `No answer within ${transport.timeoutMs} ms`,
        cause: error,
      })
    return new AltTextError({
      code: 'network_error',
      status: 0,
      detail: describeNetworkError(error),
      cause: error,
    })
  }
  try {
    const init: RequestInit = { method: call.method, headers, signal: controller.signal }
    if (call.body !== undefined) init.body = JSON.stringify(call.body)
    const response = await transport.fetch(`${transport.baseUrl}${call.path}`, init)
    // The body is read under the same timeout: a server may stall after the headers.
    const text = await response.text()
    let json: unknown
    let parsed = true
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = false
    }
    if (!response.ok) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
      throw errorFromResponse(response.status, json, retryAfter)
    }
    if (!parsed || json === undefined)
      throw new AltTextError({
        code: 'invalid_response',
        status: response.status,
        detail: 'The answer was not JSON',
      })
    return json
  } catch (error) {
    throw failure(error)
  } finally {
    clearTimeout(timer)
    call.signal?.removeEventListener('abort', onAbort)
  }
}

/** Sends `call`, retrying what is worth retrying; resolves to the parsed JSON answer. */
export async function send(transport: Transport, call: Call): Promise<unknown> {
  if (call.auth && !transport.apiKey)
    throw new AltTextError({ code: 'unauthorized', status: 0, detail: 'No API key was given' })
  // Checked here, not left to Headers: its TypeError would quote the header value, key included.
  if (transport.apiKey && !/^[\x21-\x7e]+$/.test(transport.apiKey))
    throw new AltTextError({
      code: 'unauthorized',
      status: 0,
      detail:
        'The API key contains characters that cannot be sent (a space, a line break or a non-ASCII character): copy it again',
    })
  const headers = new Headers({ accept: 'application/json' })
  if (call.body !== undefined) headers.set('content-type', 'application/json')
  if (transport.apiKey) headers.set('authorization', `Bearer ${transport.apiKey}`)
  if (transport.userAgent) headers.set('user-agent', transport.userAgent)
  for (const [name, value] of Object.entries(call.headers ?? {})) headers.set(name, value)
  for (let retry = 0; ; retry++) {
    if (call.signal?.aborted)
      throw new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted' })
    try {
      return await attempt(transport, call, headers)
    } catch (caught) {
      const error = caught as AltTextError
      if (!error.retryable || retry >= transport.maxRetries) throw error
      let delay = backoffDelay(retry, transport.retryBaseMs, transport.maxRetryDelayMs)
      if (error.retryAfter !== undefined) {
        // A long Retry-After (a quota window) is better reported than slept through in a build.
        if (error.retryAfter > transport.maxRetryAfterSeconds) throw error
        delay = Math.max(delay, error.retryAfter * 1000)
      }
      try {
        await sleep(delay, call.signal)
      } catch (reason) {
        throw new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted', cause: reason })
      }
    }
  }
}
