/**
 * The wire contract of the AltText API v1, as valibot schemas: the API validates requests with
 * them and renders them into its OpenAPI document; the clients take their types from them
 * (`InferOutput`). A change to the contract is one edit here.
 */

import * as v from 'valibot'
import {
  IMAGE_KINDS,
  LONG_DESCRIPTION_KINDS,
  MAX_LONG_DESCRIPTION_LENGTH,
  PURPOSES,
} from './contract/description.js'
import { EMAIL_PATTERN } from './contract/email.js'
import { BCP47_PATTERN } from './contract/language.js'
import { ERROR_CODES } from './errors.js'
// LIMITS lives in its own module so clients can read it without pulling in every schema.
import { LIMITS } from './limits.js'

export { LIMITS }

/** Any schema of this module (what the API's validator and OpenAPI builder accept). */
export type WireSchema = v.GenericSchema

// The email rule is deliberately loose (something@something.tld): confirmation, not syntax,
// proves an address; valibot's `email()` would refuse addresses people really use.
const email = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(LIMITS.maxEmailLength),
  v.regex(EMAIL_PATTERN),
)
const password = v.pipe(
  v.string(),
  v.minLength(LIMITS.minPasswordLength),
  v.maxLength(LIMITS.maxPasswordLength),
)
/** A password being checked (login, confirmation): any non-empty one, new rules or old. */
const givenPassword = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxPasswordLength))
const name = v.pipe(v.string(), v.trim(), v.maxLength(LIMITS.maxNameLength))
const language = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxLanguageTagLength),
  v.regex(BCP47_PATTERN),
  v.description('BCP 47 language tag, e.g. en, de-CH, pt-BR. Default: en.'),
)
const isoDate = v.pipe(v.string(), v.isoTimestamp())
const integer = v.pipe(v.number(), v.integer())
const describedInteger = (description: string) =>
  v.pipe(v.number(), v.integer(), v.description(description))
const imageUrl = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxImageUrlLength),
  v.description('A public http(s) URL of the image; the API fetches it.'),
)
const image = v.pipe(v.string(), v.description('Base64 image bytes or a data: URL'))

// ---------------------------------------------------------------- requests

export const SignupRequest = v.strictObject({ email, password, name: v.optional(name) })
export type SignupRequest = v.InferOutput<typeof SignupRequest>

export const LoginRequest = v.strictObject({ email, password: givenPassword })
export type LoginRequest = v.InferOutput<typeof LoginRequest>

export const AccountUpdateRequest = v.strictObject({
  name: v.optional(v.nullable(name)),
  email: v.optional(email),
  newPassword: v.optional(password),
  storeHistory: v.optional(
    v.pipe(v.boolean(), v.description('false objects to storing image URLs and alt text')),
  ),
  currentPassword: givenPassword,
})
export type AccountUpdateRequest = v.InferOutput<typeof AccountUpdateRequest>

export const AccountDeleteRequest = v.strictObject({ password: givenPassword })
export type AccountDeleteRequest = v.InferOutput<typeof AccountDeleteRequest>

/**
 * What an API key may do: `generate` describes images and reads its own usage and the balance
 * (what a plugin or a build needs); `account` may also read the account, every key's usage and
 * the ledger. Keys never manage the account (that takes a session).
 */
export const KeyScope = v.pipe(
  v.picklist(['generate', 'account']),
  v.description(
    'generate: describe images, read its own usage and the balance. account: also the account, all usage and the ledger.',
  ),
)
export type KeyScope = v.InferOutput<typeof KeyScope>

export const KeyCreateRequest = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxNameLength)),
  scope: v.optional(KeyScope),
  dailyCreditCap: v.optional(
    v.nullable(
      v.pipe(
        v.number(),
        v.integer(),
        v.minValue(1),
        v.maxValue(LIMITS.maxDailyCreditCap),
        v.description(
          'Most credits the key may spend per UTC day; past it generation answers 403 forbidden. Default: no cap.',
        ),
      ),
    ),
  ),
})
export type KeyCreateRequest = v.InferOutput<typeof KeyCreateRequest>

const model = v.optional(
  v.pipe(v.string(), v.maxLength(200), v.description('A model id from GET /v1/models')),
)
const context = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(LIMITS.maxContextLength),
    v.description('Page title, nearby text, whether the image is a link…'),
  ),
)
const maxLength = v.optional(
  v.pipe(
    v.number(),
    v.integer(),
    v.minValue(LIMITS.minMaxLength),
    v.maxValue(LIMITS.maxMaxLength),
    v.description(`Longest alt text, in characters. Default: ${LIMITS.defaultMaxLength}.`),
  ),
)
const fresh = v.optional(
  v.pipe(
    v.boolean(),
    v.description(
      'true: describe the image anew and charge it, even when this account has a reusable description of the same bytes.',
    ),
  ),
)
const matchContext = v.optional(
  v.pipe(
    v.boolean(),
    v.description(
      'true: reuse a stored description only when it was made with the same context (default: the context does not split reuse).',
    ),
  ),
)
const purpose = v.optional(
  v.pipe(
    v.picklist(PURPOSES),
    v.description(
      'What the image is for. content (default): it shows something. link: it is the only content of a link (give the link target and text in context); the alt text names the destination. auto: the model judges.',
    ),
  ),
)
const long = v.optional(
  v.pipe(
    v.boolean(),
    v.description(
      `true: also ask for a longDescription (${LONG_DESCRIPTION_KINDS.join(', ')} images). Costs longCredits (GET /v1/models) more per described image.`,
    ),
  ),
)
const reused = v.pipe(
  v.boolean(),
  v.description(
    'true: the stored description of the same image bytes and options was given again, for 0 credits, with no model call.',
  ),
)

/**
 * One image to describe: exactly one of `imageUrl` or `image` (`pickImageSource` in the contract
 * enforces that; the API's OpenAPI document states it as a `oneOf`).
 */
export const AltTextRequest = v.strictObject({
  imageUrl: v.optional(imageUrl),
  image: v.optional(image),
  language: v.optional(language),
  model,
  context,
  maxLength,
  purpose,
  long,
  fresh,
  matchContext,
})
export type AltTextRequest = v.InferOutput<typeof AltTextRequest>

/** One image of a batch: exactly one of `imageUrl` or `image`, like `AltTextRequest`. */
export const BatchItem = v.strictObject({
  imageUrl: v.optional(imageUrl),
  image: v.optional(image),
  context,
  maxLength,
  language: v.optional(language),
  purpose,
  fresh,
  matchContext,
})
export type BatchItem = v.InferOutput<typeof BatchItem>

export const BatchRequest = v.strictObject({
  images: v.pipe(v.array(BatchItem), v.minLength(1), v.maxLength(LIMITS.maxBatchItems)),
  language: v.optional(language),
  model,
  // One model and one `long` per batch: every image has the same price.
  long,
})
export type BatchRequest = v.InferOutput<typeof BatchRequest>

export const CheckoutRequest = v.strictObject({
  packId: v.pipe(
    v.string(),
    v.maxLength(100),
    v.description('A pack id from GET /v1/billing/packs'),
  ),
})
export type CheckoutRequest = v.InferOutput<typeof CheckoutRequest>

// ---------------------------------------------------------------- responses

export const User = v.strictObject({
  id: v.string(),
  email: v.string(),
  name: v.nullable(v.string()),
  credits: integer,
  storeHistory: v.boolean(),
  createdAt: isoDate,
})
export type User = v.InferOutput<typeof User>

export const ApiKey = v.strictObject({
  id: v.string(),
  name: v.string(),
  prefix: v.pipe(v.string(), v.description('First characters of the key, for recognising it')),
  scope: KeyScope,
  dailyCreditCap: v.pipe(
    v.nullable(integer),
    v.description('Most credits the key may spend per UTC day, or null for no cap'),
  ),
  createdAt: isoDate,
  lastUsedAt: v.nullable(isoDate),
})
export type ApiKey = v.InferOutput<typeof ApiKey>

export const CreatedApiKey = v.strictObject({
  ...ApiKey.entries,
  key: v.pipe(v.string(), v.description('The full key. Shown only once.')),
})
export type CreatedApiKey = v.InferOutput<typeof CreatedApiKey>

export const KeyList = v.strictObject({ keys: v.array(ApiKey) })
export type KeyList = v.InferOutput<typeof KeyList>

export const SignupResponse = v.strictObject({
  user: User,
  token: v.string(),
  apiKey: CreatedApiKey,
})
export type SignupResponse = v.InferOutput<typeof SignupResponse>

export const LoginResponse = v.strictObject({ user: User, token: v.string() })
export type LoginResponse = v.InferOutput<typeof LoginResponse>

export const Model = v.strictObject({
  id: v.string(),
  name: v.string(),
  credits: describedInteger('Credits charged per image'),
  longCredits: describedInteger(
    'Extra credits per described image asked with long: true (with or without a longDescription)',
  ),
  default: v.boolean(),
})
export type Model = v.InferOutput<typeof Model>

export const ModelList = v.strictObject({ models: v.array(Model) })
export type ModelList = v.InferOutput<typeof ModelList>

const decorative = v.pipe(
  v.boolean(),
  v.description(
    'The model judged the image carries no information (spacer, divider, texture): a suggestion of alt="", never applied silently.',
  ),
)
const kind = v.pipe(
  v.picklist(IMAGE_KINDS),
  v.description('What kind of image it is; photo when the model did not say.'),
)
const longDescription = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(MAX_LONG_DESCRIPTION_LENGTH),
    v.description(
      `With long: true, for ${LONG_DESCRIPTION_KINDS.join(', ')} images: the data, steps or text alt text cannot hold (plain text). Absent otherwise.`,
    ),
  ),
)

export const AltTextResponse = v.strictObject({
  id: v.pipe(v.string(), v.description('Usage record id')),
  altText: v.string(),
  language: v.string(),
  model: v.string(),
  creditsUsed: integer,
  creditsRemaining: integer,
  reused,
  decorative,
  kind,
  longDescription,
})
export type AltTextResponse = v.InferOutput<typeof AltTextResponse>

export const ErrorObject = v.strictObject({
  code: v.picklist(ERROR_CODES),
  message: v.string(),
})
export type ErrorObject = v.InferOutput<typeof ErrorObject>

/** The body of every error answer. */
export const ErrorResponse = v.pipe(
  v.strictObject({ error: ErrorObject }),
  v.description('The body of every error answer.'),
)

/** One described image of a batch. */
export const BatchSuccess = v.strictObject({
  id: v.string(),
  altText: v.string(),
  language: v.string(),
  model: v.string(),
  creditsUsed: integer,
  reused,
  decorative,
  kind,
  longDescription,
})

/** One image of a batch that failed; it cost nothing. */
export const BatchFailure = v.strictObject({ error: ErrorObject })

export const BatchResult = v.union([BatchSuccess, BatchFailure])
export type BatchResult = v.InferOutput<typeof BatchResult>

export const BatchResponse = v.strictObject({
  results: v.array(BatchResult),
  creditsUsed: integer,
  creditsRemaining: integer,
})
export type BatchResponse = v.InferOutput<typeof BatchResponse>

export const UsageRecord = v.strictObject({
  id: v.string(),
  createdAt: isoDate,
  endpoint: v.string(),
  model: v.string(),
  imageUrl: v.nullable(v.string()),
  altText: v.nullable(v.string()),
  language: v.string(),
  creditsUsed: integer,
  apiKeyId: v.nullable(v.string()),
})
export type UsageRecord = v.InferOutput<typeof UsageRecord>

export const UsagePage = v.strictObject({
  records: v.array(UsageRecord),
  nextCursor: v.nullable(v.string()),
})
export type UsagePage = v.InferOutput<typeof UsagePage>

export const LedgerEntry = v.strictObject({
  id: v.string(),
  delta: integer,
  reason: v.picklist(['signup', 'generation', 'refund', 'purchase', 'adjustment']),
  reference: v.nullable(v.string()),
  balanceAfter: integer,
  createdAt: isoDate,
})
export type LedgerEntry = v.InferOutput<typeof LedgerEntry>

export const Credits = v.strictObject({
  balance: integer,
  ledger: v.array(LedgerEntry),
})
export type Credits = v.InferOutput<typeof Credits>

export const Pack = v.strictObject({
  id: v.string(),
  credits: integer,
  amount: describedInteger('Price in the smallest currency unit (cents)'),
  currency: v.string(),
})
export type Pack = v.InferOutput<typeof Pack>

export const PackList = v.strictObject({ packs: v.array(Pack) })
export type PackList = v.InferOutput<typeof PackList>

export const CheckoutResponse = v.strictObject({ url: v.string(), sessionId: v.string() })
export type CheckoutResponse = v.InferOutput<typeof CheckoutResponse>

const purchaseStatus = v.picklist(['pending', 'paid'])

/** Where one Checkout Session of the account stands (for Stripe's return page). */
export const CheckoutStatus = v.strictObject({
  sessionId: v.pipe(v.string(), v.description('The Stripe Checkout Session id')),
  status: purchaseStatus,
  credits: describedInteger('Credits of the pack bought'),
  balance: describedInteger("The account's balance now"),
})
export type CheckoutStatus = v.InferOutput<typeof CheckoutStatus>

export const Purchase = v.strictObject({
  id: v.string(),
  stripeSessionId: v.pipe(
    v.string(),
    v.description('The Stripe Checkout Session the purchase was paid in'),
  ),
  packId: v.string(),
  credits: integer,
  amount: integer,
  currency: v.string(),
  status: purchaseStatus,
  createdAt: isoDate,
  paidAt: v.nullable(isoDate),
  paymentIntent: v.pipe(
    v.nullable(v.string()),
    v.description('The Stripe PaymentIntent that paid (links refunds and disputes)'),
  ),
  creditsReversed: describedInteger('Credits taken back by refunds and disputes'),
  reversalShortfall: describedInteger(
    'Credits a refund or dispute should have taken back but the balance no longer had',
  ),
})
export type Purchase = v.InferOutput<typeof Purchase>

/** A key in the export: revoked keys are listed too (usage records point at them). */
export const ExportedApiKey = v.strictObject({
  ...ApiKey.entries,
  revokedAt: v.nullable(isoDate),
})
export type ExportedApiKey = v.InferOutput<typeof ExportedApiKey>

/** The account in the export: the `User` plus when it last changed. */
export const ExportedAccount = v.strictObject({
  ...User.entries,
  updatedAt: isoDate,
})
export type ExportedAccount = v.InferOutput<typeof ExportedAccount>

/** A session in the export (never its token or the token's hash). */
export const ExportedSession = v.strictObject({
  id: v.string(),
  createdAt: isoDate,
  expiresAt: isoDate,
})
export type ExportedSession = v.InferOutput<typeof ExportedSession>

export const AccountExport = v.strictObject({
  exportedAt: isoDate,
  account: ExportedAccount,
  apiKeys: v.array(ExportedApiKey),
  sessions: v.pipe(
    v.strictObject({
      active: describedInteger('How many sessions have not expired'),
      list: v.array(ExportedSession),
    }),
    v.description(
      'Every stored session, oldest first (expired ones until the daily clean-up deletes them)',
    ),
  ),
  usage: v.array(UsageRecord),
  ledger: v.array(LedgerEntry),
  purchases: v.array(Purchase),
})
export type AccountExport = v.InferOutput<typeof AccountExport>

export const Health = v.strictObject({ ok: v.boolean() })
export type Health = v.InferOutput<typeof Health>
