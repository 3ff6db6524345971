/**
 * The wire contract of the AltText API v1: request schemas (validated by the API, with the same
 * definitions rendered into its OpenAPI document) and the response types the clients read.
 * A change to the contract is one edit here.
 */

import { BCP47_PATTERN } from './contract/language.js'
import { ERROR_CODES } from './errors.js'
// LIMITS lives in its own module so clients can read it without pulling in every schema.
import { LIMITS } from './limits.js'
import * as s from './schema.js'

export { LIMITS }

const email = s.string({
  trim: true,
  maxLength: LIMITS.maxEmailLength,
  format: 'email',
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
})
const password = s.string({
  minLength: LIMITS.minPasswordLength,
  maxLength: LIMITS.maxPasswordLength,
})
const name = s.string({ trim: true, maxLength: LIMITS.maxNameLength })
/** BCP 47 language tag (loosely checked: letters, digits and hyphens). */
const language = s.string({
  maxLength: LIMITS.maxLanguageTagLength,
  pattern: BCP47_PATTERN,
  description: 'BCP 47 language tag, e.g. en, de-CH, pt-BR. Default: en.',
})
const isoDate = s.string({ format: 'date-time' })

// ---------------------------------------------------------------- requests

export const SignupRequest = s.object({ email, password, name: s.optional(name) })
export type SignupRequest = s.Infer<typeof SignupRequest>

export const LoginRequest = s.object({
  email,
  password: s.string({ minLength: 1, maxLength: LIMITS.maxPasswordLength }),
})
export type LoginRequest = s.Infer<typeof LoginRequest>

export const AccountUpdateRequest = s.object({
  name: s.optional(s.nullable(name)),
  email: s.optional(email),
  newPassword: s.optional(password),
  storeHistory: s.optional(s.boolean('false objects to storing image URLs and alt text')),
  currentPassword: s.string({ minLength: 1, maxLength: LIMITS.maxPasswordLength }),
})
export type AccountUpdateRequest = s.Infer<typeof AccountUpdateRequest>

export const AccountDeleteRequest = s.object({
  password: s.string({ minLength: 1, maxLength: LIMITS.maxPasswordLength }),
})
export type AccountDeleteRequest = s.Infer<typeof AccountDeleteRequest>

export const KeyCreateRequest = s.object({
  name: s.string({ trim: true, minLength: 1, maxLength: LIMITS.maxNameLength }),
})
export type KeyCreateRequest = s.Infer<typeof KeyCreateRequest>

const altTextOptions = {
  language: s.optional(language),
  model: s.optional(s.string({ maxLength: 200, description: 'A model id from GET /v1/models' })),
  context: s.optional(
    s.string({
      maxLength: LIMITS.maxContextLength,
      description: 'Page title, nearby text, whether the image is a link…',
    }),
  ),
  maxLength: s.optional(
    s.number({ integer: true, minimum: LIMITS.minMaxLength, maximum: LIMITS.maxMaxLength }),
  ),
}

/** One image to describe: exactly one of `imageUrl` or `image` (base64 or a data: URL). */
export const AltTextRequest = s.object({
  imageUrl: s.optional(s.string({ maxLength: LIMITS.maxImageUrlLength, format: 'uri' })),
  image: s.optional(s.string({ description: 'Base64 image bytes or a data: URL' })),
  ...altTextOptions,
})
export type AltTextRequest = s.Infer<typeof AltTextRequest>

export const BatchItem = s.object({
  imageUrl: s.optional(s.string({ maxLength: LIMITS.maxImageUrlLength, format: 'uri' })),
  image: s.optional(s.string()),
  context: altTextOptions.context,
  maxLength: altTextOptions.maxLength,
  language: altTextOptions.language,
})
export type BatchItem = s.Infer<typeof BatchItem>

export const BatchRequest = s.object({
  images: s.array(BatchItem, { minItems: 1, maxItems: LIMITS.maxBatchItems }),
  language: altTextOptions.language,
  model: altTextOptions.model,
})
export type BatchRequest = s.Infer<typeof BatchRequest>

export const CheckoutRequest = s.object({ packId: s.string({ maxLength: 100 }) })
export type CheckoutRequest = s.Infer<typeof CheckoutRequest>

// ---------------------------------------------------------------- responses

export const User = s.object({
  id: s.string(),
  email: s.string(),
  name: s.nullable(s.string()),
  credits: s.number({ integer: true }),
  storeHistory: s.boolean(),
  createdAt: isoDate,
})
export type User = s.Infer<typeof User>

export const ApiKey = s.object({
  id: s.string(),
  name: s.string(),
  prefix: s.string({ description: 'First characters of the key, for recognising it' }),
  createdAt: isoDate,
  lastUsedAt: s.nullable(isoDate),
})
export type ApiKey = s.Infer<typeof ApiKey>

export const CreatedApiKey = s.object({
  ...ApiKey.shape,
  key: s.string({ description: 'The full key. Shown only once.' }),
})
export type CreatedApiKey = s.Infer<typeof CreatedApiKey>

export const KeyList = s.object({ keys: s.array(ApiKey) })
export type KeyList = s.Infer<typeof KeyList>

export const SignupResponse = s.object({ user: User, token: s.string(), apiKey: CreatedApiKey })
export type SignupResponse = s.Infer<typeof SignupResponse>

export const LoginResponse = s.object({ user: User, token: s.string() })
export type LoginResponse = s.Infer<typeof LoginResponse>

export const Model = s.object({
  id: s.string(),
  name: s.string(),
  credits: s.number({ integer: true, description: 'Credits charged per image' }),
  default: s.boolean(),
})
export type Model = s.Infer<typeof Model>

export const ModelList = s.object({ models: s.array(Model) })
export type ModelList = s.Infer<typeof ModelList>

export const AltTextResponse = s.object({
  id: s.string({ description: 'Usage record id' }),
  altText: s.string(),
  language: s.string(),
  model: s.string(),
  creditsUsed: s.number({ integer: true }),
  creditsRemaining: s.number({ integer: true }),
})
export type AltTextResponse = s.Infer<typeof AltTextResponse>

export const ErrorObject = s.object({
  code: s.enumeration(ERROR_CODES),
  message: s.string(),
})

export const BatchResult = s.union(
  s.object({
    id: s.string(),
    altText: s.string(),
    language: s.string(),
    model: s.string(),
    creditsUsed: s.number({ integer: true }),
  }),
  s.object({ error: ErrorObject }),
)
export type BatchResult = s.Infer<typeof BatchResult>

export const BatchResponse = s.object({
  results: s.array(BatchResult),
  creditsUsed: s.number({ integer: true }),
  creditsRemaining: s.number({ integer: true }),
})
export type BatchResponse = s.Infer<typeof BatchResponse>

export const UsageRecord = s.object({
  id: s.string(),
  createdAt: isoDate,
  endpoint: s.string(),
  model: s.string(),
  imageUrl: s.nullable(s.string()),
  altText: s.nullable(s.string()),
  language: s.string(),
  creditsUsed: s.number({ integer: true }),
  apiKeyId: s.nullable(s.string()),
})
export type UsageRecord = s.Infer<typeof UsageRecord>

export const UsagePage = s.object({
  records: s.array(UsageRecord),
  nextCursor: s.nullable(s.string()),
})
export type UsagePage = s.Infer<typeof UsagePage>

export const LedgerEntry = s.object({
  id: s.string(),
  delta: s.number({ integer: true }),
  reason: s.enumeration(['signup', 'generation', 'refund', 'purchase', 'adjustment'] as const),
  reference: s.nullable(s.string()),
  balanceAfter: s.number({ integer: true }),
  createdAt: isoDate,
})
export type LedgerEntry = s.Infer<typeof LedgerEntry>

export const Credits = s.object({
  balance: s.number({ integer: true }),
  ledger: s.array(LedgerEntry),
})
export type Credits = s.Infer<typeof Credits>

export const Pack = s.object({
  id: s.string(),
  credits: s.number({ integer: true }),
  amount: s.number({ integer: true, description: 'Price in the smallest currency unit (cents)' }),
  currency: s.string(),
})
export type Pack = s.Infer<typeof Pack>

export const PackList = s.object({ packs: s.array(Pack) })
export type PackList = s.Infer<typeof PackList>

export const CheckoutResponse = s.object({ url: s.string(), sessionId: s.string() })
export type CheckoutResponse = s.Infer<typeof CheckoutResponse>

/** Where one Checkout Session of the account stands (for Stripe's return page). */
export const CheckoutStatus = s.object({
  sessionId: s.string({ description: 'The Stripe Checkout Session id' }),
  status: s.enumeration(['pending', 'paid'] as const),
  credits: s.number({ integer: true, description: 'Credits of the pack bought' }),
  balance: s.number({ integer: true, description: "The account's balance now" }),
})
export type CheckoutStatus = s.Infer<typeof CheckoutStatus>

export const Purchase = s.object({
  id: s.string(),
  stripeSessionId: s.string({
    description: 'The Stripe Checkout Session the purchase was paid in',
  }),
  packId: s.string(),
  credits: s.number({ integer: true }),
  amount: s.number({ integer: true }),
  currency: s.string(),
  status: s.enumeration(['pending', 'paid'] as const),
  createdAt: isoDate,
  paidAt: s.nullable(isoDate),
})
export type Purchase = s.Infer<typeof Purchase>

/** A key in the export: revoked keys are listed too (usage records point at them). */
export const ExportedApiKey = s.object({
  ...ApiKey.shape,
  revokedAt: s.nullable(isoDate),
})
export type ExportedApiKey = s.Infer<typeof ExportedApiKey>

/** The account in the export: the `User` plus when it last changed. */
export const ExportedAccount = s.object({
  ...User.shape,
  updatedAt: isoDate,
})
export type ExportedAccount = s.Infer<typeof ExportedAccount>

/** A session in the export (never its token or the token's hash). */
export const ExportedSession = s.object({
  id: s.string(),
  createdAt: isoDate,
  expiresAt: isoDate,
})
export type ExportedSession = s.Infer<typeof ExportedSession>

export const AccountExport = s.object({
  exportedAt: isoDate,
  account: ExportedAccount,
  apiKeys: s.array(ExportedApiKey),
  sessions: s.object(
    {
      active: s.number({ integer: true, description: 'How many sessions have not expired' }),
      list: s.array(ExportedSession),
    },
    'Every stored session, oldest first (expired ones until the daily clean-up deletes them)',
  ),
  usage: s.array(UsageRecord),
  ledger: s.array(LedgerEntry),
  purchases: s.array(Purchase),
})
export type AccountExport = s.Infer<typeof AccountExport>

export const Health = s.object({ ok: s.boolean() })
