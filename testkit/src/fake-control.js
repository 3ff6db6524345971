import { startFakeModel } from './fake-model.js'
import { listen, readBody, sendJson } from './http.js'
import { startImageServer } from './image-server.js'

/**
 * An HTTP control plane for the fakes, for tests that run where they cannot hold the fake objects
 * (inside workerd). Each test creates its own fake model, so tests running in parallel never
 * share faults or recorded requests.
 *   POST /models                       → { id, url }   a new fake OpenRouter (url = base URL)
 *   POST /models/:id/fail  {count, fault}             the next `count` calls fail with `fault`
 *   POST /models/:id/latency {ms}
 *   POST /models/:id/reply {text}                     answer with `text`
 *   GET  /models/:id/requests          → [{ model, prompt, system, responseFormat, maxTokens, headers, images: [{bytes, length}] , promptTokens }]
 *   POST /models/:id/stats             → { calls, maxInFlight }
 *   GET  /images                       → { url }      the shared image server
 *   GET  /images/hits                  → { [path]: count } requests the image server answered
 */
export async function startFakeControl() {
  const images = await startImageServer()
  /** @type {Map<string, Awaited<ReturnType<typeof startFakeModel>>>} */
  const models = new Map()
  let next = 0
  const server = await listen(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const body =
        req.method === 'POST' ? JSON.parse((await readBody(req)).toString('utf8') || '{}') : {}
      if (req.method === 'GET' && url.pathname === '/images')
        return sendJson(res, 200, { url: images.url })
      if (req.method === 'GET' && url.pathname === '/images/hits')
        return sendJson(res, 200, Object.fromEntries(images.hits))
      if (req.method === 'POST' && url.pathname === '/models') {
        const id = String(++next)
        const model = await startFakeModel()
        models.set(id, model)
        return sendJson(res, 201, { id, url: model.url })
      }
      const match = /^\/models\/(\d+)\/(\w+)$/.exec(url.pathname)
      const model = match ? models.get(match[1] ?? '') : undefined
      if (!match || !model) return sendJson(res, 404, { error: 'unknown fake' })
      const action = match[2]
      if (action === 'fail') model.failNext(Number(body.count ?? 1), body.fault)
      else if (action === 'latency') model.setLatency(Number(body.ms ?? 0))
      else if (action === 'stats') {
        // answered below
      } else if (action === 'reply') model.setReply(() => String(body.text ?? ''))
      else if (action === 'requests') {
        return sendJson(
          res,
          200,
          model.requests.map((r) => ({
            model: r.model,
            prompt: r.prompt,
            headers: r.headers,
            promptTokens: r.promptTokens,
            system: r.system,
            responseFormat: r.responseFormat,
            maxTokens: r.maxTokens,
            images: r.images.map((bytes) => ({
              base64: Buffer.from(bytes).toString('base64'),
              length: bytes.length,
            })),
          })),
        )
      } else return sendJson(res, 404, { error: 'unknown action' })
      sendJson(res, 200, { ok: true, calls: model.calls, maxInFlight: model.maxInFlight })
    } catch (error) {
      sendJson(res, 500, { error: String(error) })
    }
  })
  return {
    url: server.url,
    images,
    async close() {
      await Promise.all([...models.values()].map((model) => model.close()))
      await images.close()
      await server.close()
    },
  }
}
