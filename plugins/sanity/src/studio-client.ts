/** The AltText client and describer the Studio parts use, from the config and the secret. */
import { type AltTextClient, createClient } from '@alttextapi/core'
import type { SanityClient } from '@sanity/client'
import type { ResolvedPluginConfig } from './config.js'
import { createDescriber, type Describer } from './describe/describer.js'
import { readApiKey } from './secrets.js'

/** No key is stored yet (and no proxy is configured). */
export class MissingKeyError extends Error {
  override readonly name = 'MissingKeyError'
  constructor() {
    super('No AltText API key is set. An administrator can set it in the Alt text tool.')
  }
}

/** An AltText client: through the proxy when configured, else with the key from the secret. */
export async function studioAltClient(
  client: SanityClient,
  config: ResolvedPluginConfig,
  fetchImpl?: typeof fetch,
): Promise<AltTextClient> {
  if (config.proxyUrl) {
    // The proxy recognises project members by their Sanity token (token login), else by the
    // cookies of a proxy on the Studio's own site.
    const token = client.config().token
    return createClient({
      baseUrl: config.proxyUrl,
      // The client sends a key on the routes that need one; the proxy replaces it with the real
      // key (this placeholder is never forwarded).
      apiKey: 'proxy',
      fetch: (input, init) => {
        const headers = new Headers(init?.headers)
        if (token) headers.set('x-sanity-token', token)
        return (fetchImpl ?? fetch)(input, { ...init, headers, credentials: 'include' })
      },
    })
  }
  const apiKey = await readApiKey(client, config.secretId)
  if (!apiKey) throw new MissingKeyError()
  return createClient({ apiKey, baseUrl: config.apiUrl, fetch: fetchImpl })
}

/** A describer for the client's project and dataset. */
export async function studioDescriber(
  client: SanityClient,
  config: ResolvedPluginConfig,
  fetchImpl?: typeof fetch,
): Promise<Describer> {
  const { projectId, dataset } = client.config()
  if (!projectId || !dataset) throw new Error('The Studio client has no project or dataset')
  return createDescriber({
    client: await studioAltClient(client, config, fetchImpl),
    projectId,
    dataset,
    imageBaseUrl: config.imageBaseUrl,
    imageWidth: config.imageWidth,
    delivery: config.imageDelivery,
    model: config.model,
    maxLength: config.maxLength,
    fetch: fetchImpl,
  })
}
