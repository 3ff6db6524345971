import { type ResolvedConfig, readConfig } from '../config.js'

/**
 * The API key and base URL for a Node tool: the explicit option first, else `ALTTEXT_API_KEY`
 * and `ALTTEXT_API_URL` from the environment, else the hosted API.
 */
export function resolveConfig(
  options: { apiKey?: string | undefined; baseUrl?: string | undefined } = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedConfig {
  return readConfig(options, env)
}
