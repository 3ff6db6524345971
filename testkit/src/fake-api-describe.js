/**
 * What the fake AltText API answers for one image: the programmed (or default) description,
 * cut to `maxLength` at a word like the real API, with reuse by image hash and the charge.
 */
import * as core from '@alttextapi/core'
import { FakeApiError } from './fake-api-wire.js'

/**
 * One image a generation call asked for, as the fake saw it.
 * @typedef {object} FakeImage
 * @property {number} n 1-based, in order of arrival since the start (or the last `reset()`)
 * @property {'/v1/alt-text' | '/v1/alt-text/batch'} endpoint
 * @property {number} index position in its batch (0 for a single call)
 * @property {string} [imageUrl]
 * @property {Uint8Array} [bytes] the decoded image, when sent inline or uploaded
 * @property {string} sha256 of the bytes, or of the URL when the fake does not fetch URLs
 * @property {string} [seed] the seed of a testkit `tinyPng(seed)`
 * @property {string} language
 * @property {string} model the model id the call resolved to
 * @property {number} maxLength
 * @property {string} [context]
 * @property {string} [purpose]
 * @property {boolean} [long]
 * @property {boolean} [fresh]
 * @property {string | undefined} idempotencyKey
 */

/**
 * A programmed description: the alt text and, optionally, the rest of the answer. `kind` defaults
 * to the contract's fallback (`photo`), `decorative` to false; `longDescription` is answered only
 * when the request asked `long: true` (like the real API, which gives one for charts, diagrams and
 * screenshots of text).
 * @typedef {{ altText: string, decorative?: boolean, kind?: string, longDescription?: string }} Description
 */

/**
 * How the fake describes images: a function of the image, or a map whose keys are matched
 * against the image's SHA-256, its `tinyPng` seed, or a substring of its URL.
 * @typedef {((image: FakeImage) => string | Description)
 *   | Record<string, string | Description> | Map<string, string | Description>} AltTextProgram
 */

/**
 * The default description: `Image <seed>` for a testkit `tinyPng(seed)`, `Image at <url>` for a
 * URL, `Image <first 8 hex of the hash>` otherwise; ` (<language>)` appended when not `en`.
 * @param {FakeImage} image
 */
export function defaultAltText(image) {
  const name =
    image.seed !== undefined
      ? `Image ${image.seed}`
      : image.imageUrl !== undefined
        ? `Image at ${image.imageUrl}`
        : `Image ${image.sha256.slice(0, 8)}`
  return image.language === 'en' ? name : `${name} (${image.language})`
}

/**
 * @param {AltTextProgram | undefined} program
 * @param {FakeImage} image
 * @returns {Description}
 */
export function describeImage(program, image) {
  /** @type {string | Description | undefined} */
  let found
  if (typeof program === 'function') found = program(image)
  else if (program) {
    const entries = program instanceof Map ? [...program] : Object.entries(program)
    found = entries.find(
      ([needle]) =>
        needle === image.sha256 || needle === image.seed || image.imageUrl?.includes(needle),
    )?.[1]
  }
  found ??= defaultAltText(image)
  return typeof found === 'string' ? { altText: found } : found
}

/**
 * Cuts text to `max` characters at a word boundary. Characters are Unicode code points, as the
 * contract's `maxLength` counts them (an emoji is one). The real API's cut (api/src/lib/alt-text.ts)
 * also prefers whole sentences and tidies the end; the fake keeps only what a client can rely on:
 * never longer than asked, never a broken surrogate pair, and a word cut only when the first one
 * alone is longer than `max`.
 * @param {string} text
 * @param {number} max
 */
export function clip(text, max) {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  const cut = chars.slice(0, max + 1).join('')
  const space = cut.lastIndexOf(' ')
  return (space > 0 ? cut.slice(0, space) : chars.slice(0, max).join('')).trimEnd()
}

/**
 * The reuse key: same image bytes, language, model, maxLength, purpose and `long` (not context).
 * @param {FakeImage} image
 */
export const reuseKey = (image) =>
  JSON.stringify([
    image.sha256,
    image.language,
    image.model,
    image.maxLength,
    image.purpose ?? 'content',
    image.long ?? false,
  ])

/**
 * The price of one image: the model's credits, plus its `longCredits` (default the contract's
 * `LONG_DESCRIPTION_CREDITS`) when the request asked `long: true` — as the real API charges.
 * @param {{ credits: number, longCredits?: number }} model
 * @param {Record<string, unknown>} image the request's options (`long` is read)
 */
export const priceOf = (model, image) =>
  model.credits + (image.long === true ? (model.longCredits ?? core.LONG_DESCRIPTION_CREDITS) : 0)

/**
 * Describes one image for the account: reused (free) when the same image was described with the
 * same options before and `fresh` is not set, else charged `price` (402 when the balance cannot pay).
 * @param {{ account: import('./fake-api-account.js').FakeAccount, program: AltTextProgram | undefined, reuse: boolean }} fake
 * @param {FakeImage} image
 * @param {number} price
 * @returns {{ answer: { id: string, altText: string, language: string, model: string, creditsUsed: number, reused: boolean, decorative: boolean, kind: string, longDescription?: string }, charged: boolean }}
 */
export function chargeAndDescribe(fake, image, price) {
  const { account } = fake
  const key = reuseKey(image)
  const kept = fake.reuse && !image.fresh ? account.kept.get(key) : undefined
  if (!kept && account.balance < price)
    throw new FakeApiError(
      402,
      'insufficient_credits',
      `This image costs ${price} credit${price === 1 ? '' : 's'}; the balance is ${account.balance}.`,
    )
  const id = account.nextId('use')
  const description = kept ?? describeImage(fake.program, image)
  const creditsUsed = kept ? 0 : price
  if (creditsUsed > 0) account.change(-creditsUsed, 'generation', id)
  const altText = clip(description.altText, image.maxLength)
  const answer = {
    id,
    altText,
    language: image.language,
    model: image.model,
    creditsUsed,
    reused: Boolean(kept),
    decorative: description.decorative ?? false,
    kind: description.kind ?? core.FALLBACK_KIND,
    ...(image.long && description.longDescription !== undefined
      ? { longDescription: clip(description.longDescription, core.MAX_LONG_DESCRIPTION_LENGTH) }
      : {}),
  }
  const store = account.storeHistory
  account.usage.push({
    id,
    createdAt: new Date().toISOString(),
    endpoint: image.endpoint,
    model: image.model,
    imageUrl: store ? (image.imageUrl ?? null) : null,
    altText: store ? altText : null,
    language: image.language,
    creditsUsed,
    apiKeyId: 'key_fake',
  })
  // Like the real API: nothing is kept for reuse when the account objected to history.
  if (store && fake.reuse && !kept) account.kept.set(key, description)
  return { answer, charged: !kept }
}
