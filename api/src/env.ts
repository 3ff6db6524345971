/** Bindings and settings of the Worker (wrangler vars / secrets; the same names in `.dev.vars`). */
export interface Env {
  DB: D1Database
  ASSETS?: Fetcher
  OPENROUTER_API_KEY?: string
  OPENROUTER_BASE_URL?: string
  DEFAULT_MODEL?: string
  STRIPE_SECRET_KEY?: string
  STRIPE_WEBHOOK_SECRET?: string
  STRIPE_API_URL?: string
  APP_URL?: string
  SIGNUP_CREDITS?: string
  BCRYPT_ROUNDS?: string
  ALLOW_PRIVATE_IMAGE_URLS?: string
  /**
   * Generation units per minute per API key: one per request, plus one per image URL the request
   * makes us fetch (default 1200; see the API README, "Rate limits").
   */
  RATE_LIMIT_PER_MINUTE?: string
  /** New accounts per client IP per hour (default 10): free sign-up credits are not a faucet. */
  SIGNUP_LIMIT_PER_HOUR?: string
  /** Secret of the HMAC that names throttle counters (client networks, emails); see the README. */
  THROTTLE_SECRET?: string
  /** Session lifetime in hours (default 720 = 30 days). */
  SESSION_TTL_HOURS?: string
  /** Timeout of one chat-completions call in ms (default 30000). */
  MODEL_TIMEOUT_MS?: string
  /** Deadline for fetching an image URL, redirects included, in ms (default 10000). */
  IMAGE_FETCH_TIMEOUT_MS?: string
  /** `info` (default): one log line per model call; `warn`: failures and warnings only. */
  LOG_LEVEL?: string
}

/** Settings with defaults applied; read once per request from the bindings. */
export interface Config {
  openrouterApiKey: string | undefined
  openrouterBaseUrl: string
  defaultModel: string | undefined
  stripeSecretKey: string | undefined
  stripeWebhookSecret: string | undefined
  stripeApiUrl: string
  appUrl: string | undefined
  signupCredits: number
  bcryptRounds: number
  allowPrivateImageUrls: boolean
  rateLimitPerMinute: number
  signupsPerHourPerIp: number
  throttleSecret: string | undefined
  sessionTtlMs: number
  modelTimeoutMs: number
  imageFetchTimeoutMs: number
  logLevel: 'info' | 'warn'
}

const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined)

function integer(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number.parseInt(value ?? '', 10)
  if (!Number.isFinite(parsed)) return fallback
  return Math.min(max, Math.max(min, parsed))
}

/** Reads the settings, applying the defaults of DESIGN.md. */
export function readConfig(env: Env): Config {
  return {
    openrouterApiKey: nonEmpty(env.OPENROUTER_API_KEY),
    openrouterBaseUrl: (
      nonEmpty(env.OPENROUTER_BASE_URL) ?? 'https://openrouter.ai/api/v1'
    ).replace(/\/+$/, ''),
    defaultModel: nonEmpty(env.DEFAULT_MODEL),
    stripeSecretKey: nonEmpty(env.STRIPE_SECRET_KEY),
    stripeWebhookSecret: nonEmpty(env.STRIPE_WEBHOOK_SECRET),
    stripeApiUrl: (nonEmpty(env.STRIPE_API_URL) ?? 'https://api.stripe.com').replace(/\/+$/, ''),
    appUrl: nonEmpty(env.APP_URL)?.replace(/\/+$/, ''),
    signupCredits: integer(env.SIGNUP_CREDITS, 10, 0, 1_000_000),
    bcryptRounds: integer(env.BCRYPT_ROUNDS, 10, 4, 14),
    allowPrivateImageUrls: env.ALLOW_PRIVATE_IMAGE_URLS === 'true',
    rateLimitPerMinute: integer(env.RATE_LIMIT_PER_MINUTE, 1200, 1, 100_000),
    signupsPerHourPerIp: integer(env.SIGNUP_LIMIT_PER_HOUR, 10, 1, 1_000_000),
    throttleSecret: nonEmpty(env.THROTTLE_SECRET),
    sessionTtlMs: integer(env.SESSION_TTL_HOURS, 720, 1, 24 * 365) * 3_600_000,
    modelTimeoutMs: integer(env.MODEL_TIMEOUT_MS, 30_000, 100, 120_000),
    imageFetchTimeoutMs: integer(env.IMAGE_FETCH_TIMEOUT_MS, 10_000, 100, 60_000),
    logLevel: env.LOG_LEVEL?.trim().toLowerCase() === 'warn' ? 'warn' : 'info',
  }
}
