/**
 * One described image, charged exactly: the price is deducted (atomically, guarded against
 * overspending) before the model is called, refunded on any failure, and a usage record is
 * written for each success. Image bytes live only in memory for the duration of the call.
 */
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import { finishAltText } from './alt-text.js'
import { type ChatSettings, complete, ModelFailure } from './chat-client.js'
import { changeCredits, creditStatements } from './credits.js'
import { newId } from './crypto.js'
import { IDEMPOTENCY_WINDOW_MS, type IdempotencyClaim } from './idempotency.js'
import type { Image } from './image.js'
import { fallbackChain, type ModelEntry } from './models.js'
import { systemPrompt, userPrompt } from './prompt.js'

/** The product's public URL, sent as HTTP-Referer when APP_URL is not set. */
export const PRODUCT_URL = 'https://alttextapi.com'

/** What to describe and how. */
export interface DescribeInput {
  image: Image
  language: string
  maxLength: number
  context?: string
}

/** The generic answer for any provider failure: details go to the log, not to the client. */
export const modelError = () =>
  new ApiError(
    'model_error',
    'The vision model could not describe this image right now. Nothing was charged; please try again.',
  )

/** Fails with 503 when no provider key is configured (checked before anything is charged). */
export function requireModelConfigured(config: Config): string {
  if (!config.openrouterApiKey) {
    throw new ApiError(
      'model_not_configured',
      'Generation is not configured on this server: set OPENROUTER_API_KEY (and optionally OPENROUTER_BASE_URL and DEFAULT_MODEL).',
    )
  }
  return config.openrouterApiKey
}

function log(fields: Record<string, unknown>) {
  // Metadata only: never prompts, images, context or alt text.
  console.warn(JSON.stringify({ level: 'warn', area: 'model', ...fields }))
}

/**
 * Asks the requested model, then its fallbacks, until one gives usable alt text.
 * Throws `model_error` when none does.
 */
export async function describe(
  config: Config,
  requested: ModelEntry,
  input: DescribeInput,
  health: ModelHealth = new ModelHealth(),
): Promise<{ altText: string; model: string }> {
  const settings: ChatSettings = {
    baseUrl: config.openrouterBaseUrl,
    apiKey: requireModelConfigured(config),
    referer: config.appUrl ?? PRODUCT_URL,
    timeoutMs: config.modelTimeoutMs,
    // One image never waits on the provider for more than two model timeouts in all.
    deadline: Date.now() + 2 * config.modelTimeoutMs,
  }
  const prompt = { language: input.language, maxLength: input.maxLength, context: input.context }
  const system = systemPrompt(prompt)
  const user = userPrompt(prompt)
  // Tokens: ~4 characters each in English, fewer in other scripts; leave room for both.
  const maxTokens = Math.min(1024, Math.ceil(input.maxLength / 2) + 64)
  for (const model of fallbackChain(config, requested)) {
    if (health.stopped || !health.usable(model.id) || Date.now() >= (settings.deadline ?? 0))
      continue
    const started = Date.now()
    try {
      const answer = await complete(settings, {
        model: model.id,
        system,
        user,
        image: input.image,
        maxTokens,
      })
      const altText = finishAltText(answer.text, {
        maxLength: input.maxLength,
        language: input.language,
      })
      if (!altText) throw new ModelFailure('no usable text after clean-up')
      // One line per call (model, time, tokens: what the provider bills), unless LOG_LEVEL=warn.
      if (config.logLevel === 'info') {
        console.log(
          JSON.stringify({
            level: 'info',
            area: 'model',
            model: model.id,
            ms: Date.now() - started,
            promptTokens: answer.usage?.promptTokens,
            completionTokens: answer.usage?.completionTokens,
          }),
        )
      }
      return { altText, model: model.id }
    } catch (error) {
      const failure = error instanceof ModelFailure ? error : new ModelFailure('unexpected error')
      log({ model: model.id, failure: failure.message, ms: Date.now() - started })
      health.failed(model.id, failure.fatal)
      if (failure.fatal) break
    }
  }
  throw modelError()
}

/**
 * What one request has learnt about the models, shared by the items of a batch: a model that
 * failed for two images is skipped for the rest, and a fatal failure (our provider key or
 * account) stops all of them, so an outage costs seconds rather than minutes.
 */
export class ModelHealth {
  #failures = new Map<string, number>()
  #stopped = false

  /** True after a fatal failure. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Whether `id` is still worth asking. */
  usable(id: string): boolean {
    return (this.#failures.get(id) ?? 0) < 2
  }

  /** Records a failure of `id`. */
  failed(id: string, fatal: boolean): void {
    this.#failures.set(id, (this.#failures.get(id) ?? 0) + 1)
    if (fatal) this.#stopped = true
  }
}

/** Who is asking, for charging and the usage record. */
export interface Caller {
  userId: string
  apiKeyId: string | null
}

/** One successful, charged description. */
export interface Described {
  id: string
  altText: string
  language: string
  model: string
  creditsUsed: number
  /** Balance right after this image's charge. */
  creditsRemaining: number
}

const insufficient = (price: number) =>
  new ApiError(
    'insufficient_credits',
    `This image costs ${price} credit${price === 1 ? '' : 's'} and the balance is too low. Buy credits in the dashboard.`,
  )

/** Thrown when another request holds the Idempotency-Key this one tried to claim. */
export class KeyTaken extends Error {
  constructor() {
    super('idempotency key held by another request')
    this.name = 'KeyTaken'
  }
}

/** An Idempotency-Key claim for `chargeAndDescribe`, and the batch claim to keep alive. */
export interface ChargeClaim extends IdempotencyClaim {
  /** The claim of the batch this item belongs to: its `updated_at` is refreshed (a heartbeat). */
  batch?: { keyHash: string; reference: string }
}

/**
 * Reserves the price, describes the image, refunds on any failure, and records the usage.
 * The usage id is the ledger reference and the answer's `id`. With `claim`, the key is claimed in
 * the same atomic batch as the charge (a key held by another request throws `KeyTaken`, charging
 * nothing), released with the refund, and marked done with the usage row.
 */
export async function chargeAndDescribe(
  db: D1Database,
  config: Config,
  caller: Caller,
  request: DescribeInput & { model: ModelEntry; endpoint: string; imageUrl: string | null },
  health?: ModelHealth,
  claim?: ChargeClaim,
): Promise<Described> {
  const price = request.model.credits
  const id = newId('use')
  const remaining = claim
    ? await claimAndCharge(db, caller, claim, id, price)
    : await changeCredits(db, {
        userId: caller.userId,
        delta: -price,
        reason: 'generation',
        reference: id,
      })
  if (remaining === null) throw insufficient(price)
  const refund = async () => {
    const release = claim
      ? [
          db
            .prepare(
              'DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ?',
            )
            .bind(claim.userId, claim.keyHash, id),
        ]
      : []
    await db.batch([...refundStatements(db, caller.userId, price, id), ...release])
  }
  let result: { altText: string; model: string }
  try {
    result = await describe(config, request.model, request, health)
  } catch (error) {
    await refund()
    throw error
  }
  try {
    const record = usageStatement(db, caller, request, result, price, id)
    if (claim) {
      await db.batch([
        record,
        db
          .prepare(
            `UPDATE idempotency_keys SET status = 'done', updated_at = ?
             WHERE user_id = ? AND key_hash = ? AND reference = ?`,
          )
          .bind(Date.now(), claim.userId, claim.keyHash, id),
      ])
    } else {
      await record.run()
    }
  } catch (error) {
    await refund()
    throw error
  }
  return {
    id,
    altText: result.altText,
    language: request.language,
    model: result.model,
    creditsUsed: price,
    creditsRemaining: remaining,
  }
}

/** Gives back a reservation's price (never twice: an abandoned claim may have been refunded). */
export function refundStatements(
  db: D1Database,
  userId: string,
  price: number,
  reference: string,
): D1PreparedStatement[] {
  return creditStatements(db, {
    userId,
    delta: price,
    reason: 'refund',
    reference,
    onlyIf: {
      sql: "NOT EXISTS (SELECT 1 FROM ledger WHERE reference = ? AND reason = 'refund')",
      params: [reference],
    },
  }).statements
}

/**
 * The usage record of a success. `store_history` is read in the same statement, so an objection
 * made a moment ago is honoured: without it, neither the image URL nor the alt text is kept. An
 * account erased meanwhile gets no row.
 */
export function usageStatement(
  db: D1Database,
  caller: Caller,
  request: { endpoint: string; imageUrl: string | null; language: string },
  result: { altText: string; model: string },
  price: number,
  id: string,
  at = Date.now(),
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
       SELECT ?1, id, ?2, ?3, ?4, CASE WHEN store_history = 1 THEN ?5 END, CASE WHEN store_history = 1 THEN ?6 END, ?7, ?8, ?9
       FROM users WHERE id = ?10`,
    )
    .bind(
      id,
      caller.apiKeyId,
      request.endpoint,
      result.model,
      request.imageUrl,
      result.altText,
      request.language,
      price,
      at,
      caller.userId,
    )
}

/**
 * One atomic batch: claim the key (a new row, or one older than the window), charge only if the
 * claim is ours, release the claim if the balance could not pay, refresh the batch's claim.
 * Returns the balance after the charge, `null` when it could not pay; throws `KeyTaken` when
 * another request holds the key.
 */
async function claimAndCharge(
  db: D1Database,
  caller: Caller,
  claim: ChargeClaim,
  id: string,
  price: number,
): Promise<number | null> {
  const now = Date.now()
  const mine = [claim.userId, claim.keyHash, id]
  const { ledgerId, statements } = creditStatements(db, {
    userId: caller.userId,
    delta: -price,
    reason: 'generation',
    reference: id,
    onlyIf: {
      sql: 'EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ?)',
      params: mine,
    },
  })
  const heartbeat = claim.batch
    ? [
        db
          .prepare(
            'UPDATE idempotency_keys SET updated_at = ? WHERE user_id = ? AND key_hash = ? AND reference = ?',
          )
          .bind(now, claim.userId, claim.batch.keyHash, claim.batch.reference),
      ]
    : []
  const results = await db.batch<{ balance?: number; reference?: string }>([
    db
      .prepare(
        `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, redescribed, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, 0, ?5, ?5)
         ON CONFLICT (user_id, key_hash) DO UPDATE SET request_hash = excluded.request_hash,
           status = 'pending', reference = excluded.reference, redescribed = 0,
           created_at = excluded.created_at, updated_at = excluded.updated_at
         WHERE idempotency_keys.created_at < ?6`,
      )
      .bind(claim.userId, claim.keyHash, claim.requestHash, id, now, now - IDEMPOTENCY_WINDOW_MS),
    ...statements,
    db
      .prepare(
        'DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ? AND reference = ? AND NOT EXISTS (SELECT 1 FROM ledger WHERE id = ?)',
      )
      .bind(...mine, ledgerId),
    ...heartbeat,
    db.prepare('SELECT balance_after AS balance FROM ledger WHERE id = ?').bind(ledgerId),
    db
      .prepare('SELECT reference FROM idempotency_keys WHERE user_id = ? AND key_hash = ?')
      .bind(claim.userId, claim.keyHash),
  ])
  const held = results.at(-1)?.results[0]?.reference
  const balance = results.at(-2)?.results[0]?.balance
  if (held === id && typeof balance === 'number') return balance
  if (held === undefined) return null
  throw new KeyTaken()
}

/** The current balance (for batch answers, after all items settled). */
export async function balance(db: D1Database, userId: string): Promise<number> {
  const row = await db
    .prepare('SELECT credits FROM users WHERE id = ?')
    .bind(userId)
    .first<{ credits: number }>()
  return row?.credits ?? 0
}

export { insufficient }
