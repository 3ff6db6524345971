/**
 * The fake AltText API's control plane over HTTP, for tests whose fake runs in another process
 * (a global setup, a PHP site calling it). JSON in and out:
 *   GET    /__fake/state    → { requests, images (bytes as `byteLength`), stats, balance, ledger, usage }
 *   POST   /__fake/program  { altText?: {needle: text}, latencyMs?, balance?, reuse?, storeHistory?, models?, packs?, fetchImageUrls? }
 *   POST   /__fake/fail     a FailureSpec with `image` as `{imageUrlIncludes?, sha256?, seed?}`;
 *                           `times: null` (what JSON makes of Infinity) means every call;
 *                           `reset`, `hang`, `stallBody` and `answer: {status, headers?, body?}`
 *                           as in the test's process
 *   DELETE /__fake/fail     forget programmed failures
 *   POST   /__fake/hold     { keys: [...] } Idempotency-Keys that answer "still running"
 *   POST   /__fake/release  { keys: [...] } free those keys
 *   POST   /__fake/reset    a new run (see `reset()`)
 */
import { readBody, sendJson } from './http.js'

/**
 * Every control answer closes its connection: a test process reusing a kept-alive socket that the
 * server is just closing (after its keep-alive timeout) fails with "other side closed", which a
 * loaded machine makes likely between two steps of a test.
 */
const CLOSE = { connection: 'close' }

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {import('./fake-api.js').FakeApi} api
 */
export async function handleControl(req, res, url, api) {
  const route = `${req.method} ${url.pathname}`
  try {
    const raw = (await readBody(req)).toString('utf8')
    const body = raw ? JSON.parse(raw) : {}
    if (route === 'GET /__fake/state') {
      return sendJson(
        res,
        200,
        {
          requests: api.requests,
          images: api.images.map(({ bytes, ...image }) => ({
            ...image,
            byteLength: bytes?.length,
          })),
          stats: api.stats,
          balance: api.balance,
          ledger: api.account.ledger,
          usage: api.account.usage,
        },
        CLOSE,
      )
    }
    if (route === 'POST /__fake/program') api.program(body)
    else if (route === 'POST /__fake/fail')
      api.fail({ ...body, times: body.times === null ? Number.POSITIVE_INFINITY : body.times })
    else if (route === 'DELETE /__fake/fail') api.clearFailures()
    else if (route === 'POST /__fake/hold') for (const key of body.keys ?? []) api.holdKey(key)
    else if (route === 'POST /__fake/release')
      for (const key of body.keys ?? []) api.releaseKey(key)
    else if (route === 'POST /__fake/reset') api.reset()
    else
      return sendJson(
        res,
        404,
        { error: { code: 'not_found', message: `No control ${route}` } },
        CLOSE,
      )
    sendJson(res, 200, { ok: true }, CLOSE)
  } catch (error) {
    sendJson(res, 400, { error: { code: 'invalid_request', message: String(error) } }, CLOSE)
  }
}
