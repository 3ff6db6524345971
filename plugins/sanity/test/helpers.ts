/** Shared wiring: a fake Sanity, a fake AltText API, and the real clients pointed at them. */
import { createClient as createAltTextClient } from '@alttextapi/core'
import { createClient as createSanityClient, type SanityClient } from '@sanity/client'
import { createDescriber, type ImageDelivery } from '../src/describe/index.js'
import { type FakeAltText, startFakeAltText } from './fake-alttext.js'
import { type FakeSanity, startFakeSanity } from './fake-sanity.js'

export const PROJECT = 'testproj'
export const DATASET = 'production'

export interface Env {
  sanity: FakeSanity
  alt: FakeAltText
  client: SanityClient
  anonymous: SanityClient
  close(): Promise<void>
}

export async function startEnv(): Promise<Env> {
  const [sanity, alt] = await Promise.all([
    startFakeSanity({ projectId: PROJECT, dataset: DATASET }),
    startFakeAltText(),
  ])
  const base = {
    projectId: PROJECT,
    dataset: DATASET,
    apiVersion: '2025-02-19',
    useCdn: false,
    apiHost: sanity.url,
    useProjectHostname: false,
  }
  return {
    sanity,
    alt,
    client: createSanityClient({ ...base, token: sanity.token }),
    anonymous: createSanityClient(base),
    close: () => Promise.all([sanity.close(), alt.close()]).then(() => undefined),
  }
}

export function describer(env: Env, options: { delivery?: ImageDelivery; model?: string } = {}) {
  return createDescriber({
    client: createAltTextClient({ apiKey: env.alt.key, baseUrl: env.alt.url, maxRetries: 0 }),
    projectId: PROJECT,
    dataset: DATASET,
    imageBaseUrl: env.sanity.url,
    delivery: options.delivery,
    model: options.model,
  })
}

export const image = (id: string, extra: Record<string, unknown> = {}) => ({
  _type: 'image',
  asset: { _type: 'reference', _ref: `image-${id}-800x600-jpg` },
  ...extra,
})
