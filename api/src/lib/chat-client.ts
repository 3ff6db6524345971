/**
 * A chat-completions client for OpenRouter (or any OpenAI-compatible endpoint): one call per
 * attempt with a timeout, 429/5xx retried with exponential backoff and full jitter, and every
 * provider failure — HTTP errors, OpenRouter's 200-with-`error` body, empty answers — turned into
 * a `ModelFailure` whose details are logged but never shown to the client.
 */
import { backoffDelay, parseRetryAfter } from '@alttextapi/core'
import { encodeBase64 } from './base64.js'
import type { Image } from './image.js'

/** Settings of one call. */
export interface ChatSettings {
  baseUrl: string
  apiKey: string
  /** Sent as HTTP-Referer (OpenRouter attribution). */
  referer: string
  timeoutMs: number
  /** Retries on 429/5xx/network errors for the same model. */
  retries?: number
  /** Epoch ms after which no new attempt starts and running ones are cut short. */
  deadline?: number
  retryBaseMs?: number
  retryCapMs?: number
}

/** The request: system and user text plus the image. */
export interface ChatRequest {
  model: string
  system: string
  user: string
  image: Image
  maxTokens: number
  /** Ask for a JSON object (`response_format: json_object`); the answer is still parsed defensively. */
  json?: boolean
}

/** A successful answer. */
export interface ChatAnswer {
  text: string
  /** The model that answered, as the provider reports it. */
  model: string
  usage: { promptTokens: number; completionTokens: number } | undefined
}

/**
 * Why a call failed. `fatal` failures (our key or account at the provider) will not get better
 * with another model, so the fallback chain stops.
 */
export class ModelFailure extends Error {
  readonly fatal: boolean
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  constructor(
    message: string,
    options: { fatal?: boolean; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message)
    this.name = 'ModelFailure'
    this.fatal = options.fatal ?? false
    this.retryable = options.retryable ?? false
    this.retryAfterMs = options.retryAfterMs
  }
}

/** Title sent as X-Title (OpenRouter attribution). */
export const APP_TITLE = 'AltText API'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .join('')
  }
  return ''
}

async function attempt(settings: ChatSettings, request: ChatRequest): Promise<ChatAnswer> {
  const body = {
    model: request.model,
    messages: [
      { role: 'system', content: request.system },
      {
        role: 'user',
        content: [
          { type: 'text', text: request.user },
          {
            type: 'image_url',
            image_url: {
              url: `data:${request.image.mime};base64,${request.image.base64 ?? encodeBase64(request.image.bytes)}`,
            },
          },
        ],
      },
    ],
    max_tokens: request.maxTokens,
    temperature: 0.2,
    ...(request.json ? { response_format: { type: 'json_object' } } : {}),
    // OpenRouter: only route to providers that do not store or train on the data (privacy policy).
    provider: { data_collection: 'deny' },
  }
  const controller = new AbortController()
  const budget = Math.min(
    settings.timeoutMs,
    (settings.deadline ?? Number.POSITIVE_INFINITY) - Date.now(),
  )
  const timer = setTimeout(() => controller.abort(new Error('timeout')), Math.max(0, budget))
  let response: Response
  let raw: string
  try {
    response = await fetch(`${settings.baseUrl}/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        authorization: `Bearer ${settings.apiKey}`,
        'content-type': 'application/json',
        'HTTP-Referer': settings.referer,
        'X-Title': APP_TITLE,
      },
      body: JSON.stringify(body),
    })
    raw = await response.text()
  } catch {
    // Timeouts are not retried on the same model: the next model is the better bet.
    throw new ModelFailure(controller.signal.aborted ? 'timeout' : 'network error', {
      retryable: !controller.signal.aborted,
    })
  } finally {
    clearTimeout(timer)
  }
  if (!response.ok) {
    const status = response.status
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
    throw new ModelFailure(`HTTP ${status}`, {
      // 401: our key is wrong; 402: our provider account is out of credit. No model will do better.
      fatal: status === 401 || status === 402,
      retryable: status === 429 || status === 408 || status >= 500,
      retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
    })
  }
  let json: {
    error?: { code?: unknown; message?: unknown }
    choices?: Array<{ message?: { content?: unknown } }>
    model?: unknown
    usage?: Record<string, unknown>
  }
  try {
    json = JSON.parse(raw)
  } catch {
    throw new ModelFailure('invalid JSON answer', { retryable: true })
  }
  if (json.error) {
    // OpenRouter reports upstream failures as 200 with an `error` object.
    const code = Number(json.error.code)
    throw new ModelFailure(`error body (code ${Number.isFinite(code) ? code : 'unknown'})`, {
      fatal: code === 401 || code === 402,
    })
  }
  const text = contentText(json.choices?.[0]?.message?.content)
  if (!text.trim()) throw new ModelFailure('empty answer')
  const usage = json.usage
  return {
    text,
    model: typeof json.model === 'string' ? json.model : request.model,
    usage:
      usage && typeof usage.prompt_tokens === 'number'
        ? {
            promptTokens: usage.prompt_tokens,
            completionTokens: Number(usage.completion_tokens ?? 0),
          }
        : undefined,
  }
}

/** One model, with retries on 429/5xx/network errors. Throws the last `ModelFailure`. */
export async function complete(settings: ChatSettings, request: ChatRequest): Promise<ChatAnswer> {
  const retries = settings.retries ?? 2
  for (let i = 0; ; i++) {
    try {
      return await attempt(settings, request)
    } catch (error) {
      const failure = error instanceof ModelFailure ? error : new ModelFailure('unexpected error')
      if (!failure.retryable || i >= retries) throw failure
      const jitter = backoffDelay(i, settings.retryBaseMs ?? 250, settings.retryCapMs ?? 2000)
      // Honour Retry-After, within reason: the client is waiting on this request.
      const wait = Math.min(5000, Math.max(jitter, failure.retryAfterMs ?? 0))
      if (Date.now() + wait >= (settings.deadline ?? Number.POSITIVE_INFINITY)) throw failure
      await sleep(wait)
    }
  }
}
