/**
 * The documentation of the two generation routes, kept apart from their handlers (which are
 * about charging): the JSON and multipart bodies, the `Idempotency-Key` header and the
 * `Idempotent-Replayed` answer header.
 */
import {
  AltTextRequest,
  AltTextResponse,
  BatchRequest,
  BatchResponse,
  BCP47_PATTERN,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_RULE,
  LIMITS,
  LONG_DESCRIPTION_CREDITS,
  PURPOSES,
} from '@alttextapi/core'
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_WINDOW_MS, REPLAYED_HEADER } from '../lib/idempotency.js'
import { MAX_PIXELS } from '../lib/image.js'
import { REUSE_WINDOW_MS } from '../lib/reuse.js'
import { describe } from '../lib/route-doc.js'

// The figures the text quotes, from the constants that enforce them.
const IMAGE_MB = LIMITS.maxImageBytes / 1024 / 1024
const MEGAPIXELS = MAX_PIXELS / 1_000_000
const IDEMPOTENCY_HOURS = IDEMPOTENCY_WINDOW_MS / 3_600_000
const REUSE_DAYS = REUSE_WINDOW_MS / 86_400_000

/** What the answer says besides the alt text, and what `purpose` and `long` ask (both routes). */
const PURPOSE_AND_KINDS = `What the image is for: \`purpose\` \`content\` (default) describes what it shows; \`link\` (the image is a link's only content: put the link target and text in \`context\`) names where the link goes; \`auto\` lets the model judge. Every answer has \`kind\` (photo, illustration, chart, diagram, screenshot, text, logo, icon; photo when the model did not say) and \`decorative\` (the model's judgement that the image carries no information — a suggestion, never to apply silently). \`long: true\` also asks for \`longDescription\` (given for charts, diagrams, screenshots and images of text, absent otherwise) and costs ${LONG_DESCRIPTION_CREDITS} credit more per described image, whether or not one comes back (\`longCredits\` in GET /v1/models).`

const IDEMPOTENCY_KEY = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description: `${IDEMPOTENCY_KEY_RULE}, the same on every retry of one logical call: within ${IDEMPOTENCY_HOURS} h the account is charged once for it.`,
  schema: {
    type: 'string',
    minLength: 1,
    maxLength: LIMITS.maxIdempotencyKeyLength,
    pattern: IDEMPOTENCY_KEY_PATTERN.source,
  },
}

const REPLAYED = {
  [REPLAYED_HEADER]: {
    description:
      '`true` when this is the stored answer of an earlier request with the same Idempotency-Key (no model call, no charge).',
    schema: { type: 'string', enum: ['true'] },
  },
}

/** The multipart form of `POST /v1/alt-text`: the file, and the JSON body's options as text. */
const MULTIPART = {
  type: 'object',
  required: ['image'],
  properties: {
    image: {
      type: 'string',
      format: 'binary',
      description: `The image file: JPEG, PNG, GIF or WebP (by its bytes), at most ${IMAGE_MB} MB.`,
    },
    language: {
      type: 'string',
      maxLength: LIMITS.maxLanguageTagLength,
      pattern: BCP47_PATTERN.source,
      description: 'BCP 47 language tag. Default: en.',
    },
    model: { type: 'string', description: 'A model id from GET /v1/models' },
    context: { type: 'string', maxLength: LIMITS.maxContextLength },
    maxLength: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: `An integer ${LIMITS.minMaxLength}–${LIMITS.maxMaxLength}, as text.`,
    },
    fresh: { type: 'string', enum: ['true', 'false'], description: 'As in JSON, as text.' },
    matchContext: { type: 'string', enum: ['true', 'false'], description: 'As in JSON, as text.' },
    purpose: { type: 'string', enum: [...PURPOSES], description: 'As in JSON.' },
    long: { type: 'string', enum: ['true', 'false'], description: 'As in JSON, as text.' },
  },
  additionalProperties: false,
}

/** `POST /v1/alt-text`. */
export const altTextDoc = describe({
  summary: 'Write alt text for one image',
  description: `Send \`imageUrl\` (a public http(s) URL), or \`image\` as base64 or a data: URL, or multipart/form-data with a file field \`image\`. JPEG, PNG, GIF or WebP (decided by the bytes), at most ${IMAGE_MB} MB and ${MEGAPIXELS} megapixels. An image URL is checked, counted against the key's rate limit and fetched before anything is charged (a failed fetch costs rate budget, never credits). ${PURPOSE_AND_KINDS} Reuse: the same image bytes with the same language, model, maxLength, purpose and long (the context only with \`matchContext: true\`) described for this account within ${REUSE_DAYS} days are answered again with \`reused: true\`, \`creditsUsed: 0\` and no model call; \`fresh: true\` asks for a new, charged description. Otherwise the price is deducted before the model is called and refunded if it fails. A key's daily credit cap answers 403 \`forbidden\`; too many refunds of unusable output in an hour answer 429. Optional header \`Idempotency-Key\` (e.g. a UUID per logical call, the same on its retries): within ${IDEMPOTENCY_HOURS} h the same key of the same account is charged once — a completed request is answered again from its kept answer (same \`id\`, alt text, model, \`creditsUsed\`, \`reused\`; \`creditsRemaining\` is the balance now) with \`Idempotent-Replayed: true\` and no model call, also with history off; one still running answers 429 \`rate_limited\` with \`Retry-After: 1\`; one that failed (refunded) runs again; another request with the key is 400 \`idempotency_key_reused\`.`,
  tag: 'Alt text',
  auth: ['key'],
  request: AltTextRequest,
  requestBody: { content: { 'multipart/form-data': { schema: MULTIPART } } },
  headers: [IDEMPOTENCY_KEY],
  response: { status: 200, schema: AltTextResponse, headers: REPLAYED },
  errors: [
    'unauthorized',
    'insufficient_credits',
    'forbidden',
    'idempotency_key_reused',
    'payload_too_large',
    'unsupported_media_type',
    'image_fetch_failed',
    'rate_limited',
    'model_error',
    'model_not_configured',
  ],
})

/** `POST /v1/alt-text/batch`. */
export const altTextBatchDoc = describe({
  summary: `Write alt text for up to ${LIMITS.maxBatchItems} images`,
  description: `Results come back in the order of \`images\`. \`purpose\` is per item, \`long\` per batch (one price per image). ${PURPOSE_AND_KINDS} A malformed item fails the whole request with 400; an image that cannot be read, described or paid for fails on its own (\`{error}\`) and costs nothing, while the others succeed; a bad image or URL is refused before anything is charged. Items are reused like single requests (\`reused\` in each result; per item \`fresh\` and \`matchContext\`). Counts one unit for the rate limit, plus one per image URL. Optional \`Idempotency-Key\` as on \`/v1/alt-text\`: a retry of a completed batch replays its paid items without charging them again and runs its failed items again; a batch still running answers 429 \`rate_limited\` with \`Retry-After: 1\`.`,
  tag: 'Alt text',
  auth: ['key'],
  request: BatchRequest,
  headers: [IDEMPOTENCY_KEY],
  response: { status: 200, schema: BatchResponse, headers: REPLAYED },
  errors: [
    'unauthorized',
    'insufficient_credits',
    'forbidden',
    'idempotency_key_reused',
    'rate_limited',
    'model_not_configured',
  ],
})
