/**
 * The D1 schema. Times are integers (Unix milliseconds). Rows that billing law keeps (usage,
 * ledger, purchases) reference the user with `ON DELETE SET NULL`, so erasure can delete the
 * account and leave those rows detached and stripped of personal data.
 */
import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** Normalised: trimmed and lower-cased. */
    email: text('email').notNull().unique(),
    name: text('name'),
    passwordHash: text('password_hash').notNull(),
    credits: integer('credits').notNull().default(0),
    /** false = the user objected to storing image URLs and alt text. */
    storeHistory: integer('store_history', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [check('credits_non_negative', sql`${t.credits} >= 0`)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key (e.g. `atk_AbCd1234`), for recognising it. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    /** `generate` (describe, own usage, balance) or `account` (also the account's reads). */
    scope: text('scope').notNull().default('account'),
    /** Credits the key may spend per UTC day; null = no cap (the charge enforces it). */
    dailyCreditCap: integer('daily_credit_cap'),
  },
  (t) => [index('api_keys_user_idx').on(t.userId)],
)

/** Every change of a balance. The deltas of a user sum to `users.credits`. */
export const ledger = sqliteTable(
  'ledger',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    delta: integer('delta').notNull(),
    /** signup | generation | refund | purchase | adjustment */
    reason: text('reason').notNull(),
    /** Usage record id, purchase id, … */
    reference: text('reference'),
    balanceAfter: integer('balance_after').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('ledger_user_idx').on(t.userId, t.createdAt),
    index('ledger_created_idx').on(t.createdAt),
  ],
)

/** One row per described image. With storeHistory off, imageUrl and altText stay null. */
export const usage = sqliteTable(
  'usage',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    apiKeyId: text('api_key_id'),
    endpoint: text('endpoint').notNull(),
    model: text('model').notNull(),
    imageUrl: text('image_url'),
    altText: text('alt_text'),
    language: text('language').notNull(),
    creditsUsed: integer('credits_used').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('usage_user_idx').on(t.userId, t.createdAt, t.id),
    index('usage_created_idx').on(t.createdAt),
  ],
)

/** Stripe Checkout purchases of credit packs. */
export const purchases = sqliteTable(
  'purchases',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    stripeSessionId: text('stripe_session_id').notNull().unique(),
    packId: text('pack_id').notNull(),
    credits: integer('credits').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    /** pending | paid */
    status: text('status').notNull(),
    createdAt: integer('created_at').notNull(),
    paidAt: integer('paid_at'),
    /** The PaymentIntent that paid (links refunds and disputes of its charge to the purchase). */
    paymentIntent: text('payment_intent'),
    /** Credits taken back by refunds and disputes so far. */
    creditsReversed: integer('credits_reversed').notNull().default(0),
    /** Credits owed back that the balance no longer had (already spent): recorded, not collected. */
    reversalShortfall: integer('reversal_shortfall').notNull().default(0),
  },
  (t) => [
    index('purchases_user_idx').on(t.userId),
    index('purchases_payment_intent_idx').on(t.paymentIntent),
  ],
)

/** Stripe event ids already processed (idempotency under redelivery). */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: integer('received_at').notNull(),
})

/** Fixed-window counters for throttling (failed logins per email/IP, generation per key). */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
})

/**
 * Idempotency-Key claims of generation requests (kept 24 h, then the retention job deletes them).
 * One row per account and key: only hashes of the key and of the canonical request, the usage id
 * (or batch run id) of the attempt holding the key, its state, and its answer once done (for
 * 24 h, so that a retry gets it again). Never an image or its URL.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the Idempotency-Key header (of `key + "\n" + index` for a batch item). */
    keyHash: text('key_hash').notNull(),
    /** SHA-256 of the canonical request (images by their SHA-256, never the bytes). */
    requestHash: text('request_hash').notNull(),
    /** pending | done (a failed attempt deletes its row) */
    status: text('status').notNull(),
    /** The usage id (= ledger reference) of the attempt, or the run id of a batch. */
    reference: text('reference').notNull(),
    /** Unused since answers are kept in `answer` (kept so the migration only adds). */
    redescribed: integer('redescribed').notNull().default(0),
    /**
     * The completed answer as JSON (alt text, language, model, credits, reused), so a retry with
     * the key is answered again without a model call, also with history off. Gone with the
     * claim after 24 h.
     */
    answer: text('answer'),
    createdAt: integer('created_at').notNull(),
    /** Last sign of life of the attempt (claim, batch item claims). */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.keyHash] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
)

/**
 * Descriptions kept for reuse (never pay twice): per account, the SHA-256 of the image bytes and
 * of the options that shape a description → the alt text. Never the image, never its URL. Only
 * written while `store_history` is on; erasure and an objection delete an account's rows; the
 * retention job deletes rows older than the reuse window (lib/reuse.ts).
 */
export const reuse = sqliteTable(
  'reuse',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of [image SHA-256, language, model, maxLength, context when opted in…]. */
    reuseHash: text('reuse_hash').notNull(),
    altText: text('alt_text').notNull(),
    /** The model that wrote it (a fallback of the requested one, maybe). */
    model: text('model').notNull(),
    language: text('language').notNull(),
    /** The usage id of the charged description. */
    usageId: text('usage_id').notNull(),
    createdAt: integer('created_at').notNull(),
    /** JSON of the answer's decorative, kind and longDescription (null: kept before they existed). */
    extra: text('extra'),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.reuseHash] }),
    index('reuse_created_idx').on(t.createdAt),
  ],
)
