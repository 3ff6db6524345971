import { listen, readBody, sendJson } from './http.js'
import { imageSize } from './images.js'

/**
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }
 *   | 'timeout' | 'error-body' | 'empty' | 'reset'} Fault
 *   A way to fail: an HTTP error status (e.g. 429 with Retry-After, 500, 402), hanging until the
 *   client gives up, OpenRouter's 200-with-`error` body, an empty answer, or a dropped connection.
 */

/**
 * @typedef {object} ModelRequest What the fake saw of one chat-completions call.
 * @property {string} model
 * @property {any[]} messages
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} prompt all text parts joined (system + user)
 * @property {Uint8Array[]} images decoded data-URL images
 * @property {number} promptTokens tokens counted as the fake counts them
 * @property {string} system the system message's text
 * @property {unknown} responseFormat the `response_format` asked for (undefined when none)
 * @property {number | undefined} maxTokens the `max_tokens` asked for
 */

/**
 * A fake OpenAI-compatible chat-completions server (as OpenRouter speaks it), on loopback.
 * Counts input tokens as 1 per 28×28 pixel patch of each image plus 1 per 4 characters of text.
 * @param {{ apiKey?: string, latencyMs?: number, reply?: (req: ModelRequest) => string }} [options]
 */
export async function startFakeModel(options = {}) {
  /** @type {ModelRequest[]} */
  const requests = []
  /** @type {Fault[]} */
  let queue = []
  let failRate = 0
  /** @type {Fault[]} */
  let randomFaults = []
  let latencyMs = options.latencyMs ?? 0
  let reply = options.reply ?? (() => 'A red bicycle leaning against a brick wall in the sun.')
  let calls = 0
  let inFlight = 0
  let maxInFlight = 0

  const server = await listen(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { message: 'not found', code: 404 } })
    }
    calls++
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    let counted = true
    const done = () => {
      if (counted) inFlight--
      counted = false
    }
    res.on('close', done)
    res.on('finish', done)
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, { error: { message: 'No auth credentials found', code: 401 } })
    }
    let body
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'))
    } catch {
      return sendJson(res, 400, { error: { message: 'invalid json', code: 400 } })
    }
    const messages = Array.isArray(body.messages) ? body.messages : []
    const texts = []
    /** @type {Uint8Array[]} */
    const images = []
    for (const message of messages) {
      const parts =
        typeof message.content === 'string'
          ? [{ type: 'text', text: message.content }]
          : (message.content ?? [])
      for (const part of parts) {
        if (part.type === 'text') texts.push(String(part.text))
        if (part.type === 'image_url') {
          const url = String(part.image_url?.url ?? '')
          const match = /^data:[^;,]+;base64,(.*)$/s.exec(url)
          if (match) images.push(Uint8Array.from(Buffer.from(match[1], 'base64')))
        }
      }
    }
    const prompt = texts.join('\n')
    let promptTokens = Math.ceil(prompt.length / 4)
    for (const image of images) {
      const size = imageSize(image)
      if (size) promptTokens += Math.ceil(size.width / 28) * Math.ceil(size.height / 28)
    }
    const system = messages
      .filter((/** @type {any} */ m) => m.role === 'system')
      .map((/** @type {any} */ m) => (typeof m.content === 'string' ? m.content : ''))
      .join('\n')
    /** @type {ModelRequest} */
    const seen = {
      model: body.model,
      messages,
      headers: req.headers,
      prompt,
      images,
      promptTokens,
      system,
      responseFormat: body.response_format,
      maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    }
    requests.push(seen)

    const fault =
      queue.shift() ??
      (failRate > 0 && Math.random() < failRate
        ? randomFaults[Math.floor(Math.random() * randomFaults.length)]
        : undefined)
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    if (fault === 'timeout') return // never answer; the client must time out
    if (fault === 'reset') return req.socket.destroy()
    if (fault === 'error-body') {
      return sendJson(res, 200, {
        error: {
          message: 'Provider returned error',
          code: 502,
          metadata: { raw: 'upstream secret detail' },
        },
      })
    }
    if (fault === 'empty') {
      return sendJson(res, 200, {
        id: 'gen-empty',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }],
      })
    }
    if (fault && typeof fault === 'object') {
      return sendJson(
        res,
        fault.status,
        fault.body ?? { error: { message: `fake failure ${fault.status}`, code: fault.status } },
        fault.headers,
      )
    }
    const content = reply(seen)
    const completionTokens = Math.ceil(content.length / 4)
    sendJson(res, 200, {
      id: `gen-${calls}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      provider: 'Fake',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    })
  })

  return {
    /** Base URL to use as OPENROUTER_BASE_URL. */
    url: `${server.url}/api/v1`,
    requests,
    /** How many chat-completions calls arrived (including failed ones). */
    get calls() {
      return calls
    },
    /** The most calls that were open at the same time. */
    get maxInFlight() {
      return maxInFlight
    },
    /** The next `count` calls fail with `fault`. @param {number} count @param {Fault} fault */
    failNext(count, fault) {
      for (let i = 0; i < count; i++) queue.push(fault)
    },
    /** Every call fails with probability `rate`, with one of `faults`. @param {number} rate @param {Fault[]} faults */
    setFailRate(rate, faults) {
      failRate = rate
      randomFaults = faults
    },
    /** @param {number} ms */
    setLatency(ms) {
      latencyMs = ms
    },
    /** @param {(req: ModelRequest) => string} fn */
    setReply(fn) {
      reply = fn
    },
    /** Forgets requests and faults. */
    reset() {
      requests.length = 0
      queue = []
      failRate = 0
      calls = 0
      maxInFlight = 0
    },
    close: server.close,
  }
}
