/** The hosted API. */
export const DEFAULT_BASE_URL = 'https://api.alttextapi.com'

/** Defaults of the client options, in one place for the README and the code. */
export const DEFAULTS = {
  /**
   * Longer than the API's own deadline: it may spend 2 × MODEL_TIMEOUT_MS (60 s by default) on
   * the model, after up to IMAGE_FETCH_TIMEOUT_MS (10 s) fetching an image URL, before it answers
   * `model_error` (and refunds). Waiting less would report "no answer" for a charge already
   * refunded; 90 s leaves room for upload and queueing.
   */
  timeoutMs: 90_000,
  maxRetries: 3,
  retryBaseMs: 500,
  maxRetryDelayMs: 30_000,
  maxRetryAfterSeconds: 120,
} as const

/** The package name and version sent in `User-Agent` outside browsers. */
export const CLIENT_ID = 'alttextapi-core/0.1.0'

/** Settings a plugin takes from its options or, failing that, from the environment. */
export interface ResolvedConfig {
  apiKey: string | undefined
  baseUrl: string
}

const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

/**
 * The API key and base URL: an explicit option first, else `ALTTEXT_API_KEY` / `ALTTEXT_API_URL`
 * from `env`, else the hosted API. Works with any env object (Node's `process.env`, a Worker's
 * bindings, Vite's `loadEnv`); `@alttextapi/core/node` has `resolveConfig` reading `process.env`.
 */
export function readConfig(
  options: { apiKey?: string | undefined; baseUrl?: string | undefined },
  env: Record<string, string | undefined> = {},
): ResolvedConfig {
  return {
    apiKey: clean(options.apiKey) ?? clean(env.ALTTEXT_API_KEY),
    baseUrl: (clean(options.baseUrl) ?? clean(env.ALTTEXT_API_URL) ?? DEFAULT_BASE_URL).replace(
      /\/+$/,
      '',
    ),
  }
}
