/** Programmed failures of the fake AltText API: which calls or images fail, how, and how often. */
import { ERROR_STATUS } from '@alttextapi/core'
import { FakeApiError } from './fake-api-wire.js'

/**
 * Which images a failure applies to: a predicate, or (JSON-friendly, for the HTTP control plane)
 * a substring of the image URL, the image's SHA-256, or the seed of a testkit `tinyPng`.
 * @typedef {((image: import('./fake-api-describe.js').FakeImage) => boolean)
 *   | { imageUrlIncludes?: string, sha256?: string, seed?: string | number }} ImageMatcher
 */

/**
 * A failure to program with `fail(...)`.
 * @typedef {object} FailureSpec
 * @property {string} [code] an error code of the contract (default: from `status`, else `internal_error`)
 * @property {number} [status] HTTP status (default: the code's status in core's ERROR_STATUS)
 * @property {string} [message]
 * @property {number} [retryAfter] seconds, sent as `Retry-After`
 * @property {number} [times] how many calls (or matching images) fail; default 1, `Infinity` for
 *   every one (a "fatal mode" such as every call answering 401)
 * @property {boolean} [reset] drop the connection instead of answering
 * @property {boolean} [hang] never answer (the client's timeout must end the call)
 * @property {boolean} [stallBody] send the status and headers of a 200 JSON answer and the start
 *   of its body, then nothing more (the client's timeout must end reading the body)
 * @property {RawAnswer} [answer] answer this as it is instead, outside the contract: what a proxy
 *   or a broken deployment says (an HTML 502 page, a 200 of the wrong shape, a body that is not JSON)
 * @property {boolean} [afterCharge] do the work (charge, keep the answer for replays), then answer
 *   the failure: an answer lost on its way back, as after a client timeout
 * @property {'generation' | 'all'} [scope] which routes: the two generation routes (default), or
 *   every authenticated route as well (account, credits, usage); never the keyless reads (/health,
 *   /v1/models, /v1/billing/packs)
 * @property {ImageMatcher} [image] fail only these images: a single call answers the error, a
 *   batch answers it for that item (charging nothing for it)
 */

/**
 * An answer sent as it is (the `answer` of a FailureSpec). A string body is sent verbatim, with the
 * `content-type` of `headers` (default `text/plain; charset=utf-8`); any other body as JSON
 * (`application/json`); no body, an empty one. `headers` (names in any case) win over the fake's.
 * @typedef {object} RawAnswer
 * @property {number} status an HTTP status, 200 to 599
 * @property {Record<string, string>} [headers]
 * @property {unknown} [body]
 */

/** The ways a failure can end a call other than with an error answer: one per failure at most. */
const ENDINGS = /** @type {const} */ (['reset', 'hang', 'stallBody', 'answer'])

/** @type {Record<number, string>} */
const CODE_FOR_STATUS = Object.fromEntries(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code]),
)

/**
 * The error a failure answers.
 * @param {FailureSpec} spec
 */
export function failureError(spec) {
  const code =
    spec.code ??
    (spec.status ? (CODE_FOR_STATUS[spec.status] ?? 'internal_error') : 'internal_error')
  const status = spec.status ?? /** @type {Record<string, number>} */ (ERROR_STATUS)[code] ?? 500
  return new FakeApiError(
    status,
    code,
    spec.message ?? `Programmed failure: ${code}.`,
    spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : {},
  )
}

/**
 * @param {ImageMatcher} matcher
 * @param {import('./fake-api-describe.js').FakeImage} image
 */
function matches(matcher, image) {
  if (typeof matcher === 'function') return matcher(image)
  if (matcher.imageUrlIncludes !== undefined && !image.imageUrl?.includes(matcher.imageUrlIncludes))
    return false
  if (matcher.sha256 !== undefined && image.sha256 !== matcher.sha256) return false
  if (matcher.seed !== undefined && image.seed !== String(matcher.seed)) return false
  return true
}

/** The queue of programmed failures. */
export function createFailures() {
  /** @type {Array<FailureSpec & { left: number }>} */
  const list = []
  /** @param {FailureSpec & { left: number }} entry */
  const consume = (entry) => {
    entry.left--
    if (entry.left <= 0) list.splice(list.indexOf(entry), 1)
    return entry
  }
  return {
    /** @param {FailureSpec} spec */
    add(spec) {
      // Only the contract's codes: a test must not teach a client to expect what the API never says.
      if (spec.code !== undefined && !(spec.code in ERROR_STATUS))
        throw new Error(`fail(): "${spec.code}" is not an error code of the contract`)
      const endings = ENDINGS.filter((name) => spec[name])
      if (endings.length > 1) throw new Error(`fail(): ${endings.join(' and ')} cannot go together`)
      if (spec.image && (spec.stallBody || spec.answer))
        throw new Error('fail(): stallBody and answer end a whole call: they take no image')
      if (spec.answer) {
        const { status } = spec.answer
        if (!Number.isInteger(status) || status < 200 || status > 599)
          throw new Error('fail(): answer.status must be an HTTP status from 200 to 599')
      }
      const times = spec.times ?? 1
      if (!(times > 0)) throw new Error('fail(): times must be positive')
      list.push({ ...spec, left: times })
    },
    clear() {
      list.length = 0
    },
    /** How many failures are still programmed. */
    get size() {
      return list.length
    },
    /**
     * Takes the first call-level failure for a route, if any.
     * @param {boolean} generation whether the route is a generation route
     * @returns {FailureSpec | undefined}
     */
    takeCall(generation) {
      const entry = list.find(
        (f) => !f.image && !f.afterCharge && (generation || f.scope === 'all'),
      )
      return entry && consume(entry)
    },
    /** Takes the first answer-lost failure (generation only). */
    takeAfterCharge() {
      const entry = list.find((f) => !f.image && f.afterCharge)
      return entry && consume(entry)
    },
    /**
     * Takes the first failure for one image, if any.
     * @param {import('./fake-api-describe.js').FakeImage} image
     * @returns {FailureSpec | undefined}
     */
    takeImage(image) {
      const entry = list.find((f) => f.image && matches(f.image, image))
      return entry && consume(entry)
    },
  }
}
