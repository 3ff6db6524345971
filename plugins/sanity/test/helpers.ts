/**
 * Shared wiring: a fake Sanity, testkit's one fake AltText API, and the real clients pointed at
 * them.
 */
import { createClient as createAltTextClient } from '@alttextapi/core'
import {
  type FakeApi,
  type FakeImage,
  type FakeSanity,
  startFakeApi,
  startFakeSanity,
} from '@alttextapi/testkit'
import { createClient as createSanityClient, type SanityClient } from '@sanity/client'
import { createDescriber, type ImageDelivery } from '../src/describe/index.js'

export const PROJECT = 'testproj'
export const DATASET = 'production'

/** The key the fake AltText API accepts here. */
const KEY = 'atk_test_0123456789abcdefghijklmnopqrstuvwxyz'

/** Models of two prices, for the estimates. */
const MODELS = [
  { id: 'cheap', name: 'Cheap', credits: 1, default: true },
  { id: 'fancy', name: 'Fancy', credits: 3, default: false },
]

/**
 * The alt text the fake writes for a Sanity image: from the asset id in its CDN URL, so tests can
 * predict it (`Alt for hero [de]`).
 */
export function fakeAlt(image: FakeImage): string {
  const id = /images\/[^/]+\/[^/]+\/([A-Za-z0-9]+)-/.exec(image.imageUrl ?? '')?.[1]
  const language = image.language === 'en' ? '' : ` [${image.language}]`
  return `Alt for ${id ?? `bytes:${image.bytes?.length ?? 0}`}${language}`
}

export interface Env {
  sanity: FakeSanity
  alt: FakeApi
  /** Alt text to answer instead of `fakeAlt`, by a substring of the image URL. */
  altTextFor: Map<string, string>
  /** A new run of the fake AltText API: 100 credits, no latency, failures or hooks. */
  resetAlt(): void
  client: SanityClient
  anonymous: SanityClient
  /** A member who may read but not edit (a Viewer): mutations answer 403. */
  viewer: SanityClient
  close(): Promise<void>
}

export async function startEnv(): Promise<Env> {
  const [sanity, alt] = await Promise.all([
    startFakeSanity({ projectId: PROJECT, dataset: DATASET }),
    startFakeApi({ key: KEY, models: MODELS, balance: 100 }),
  ])
  const altTextFor = new Map<string, string>()
  alt.program({
    altText: (image) =>
      [...altTextFor].find(([needle]) => image.imageUrl?.includes(needle))?.[1] ?? fakeAlt(image),
  })
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
    altTextFor,
    resetAlt() {
      alt.reset()
      altTextFor.clear()
      alt.program({ balance: 100, latencyMs: 0, onImage: undefined })
    },
    client: createSanityClient({ ...base, token: sanity.token }),
    anonymous: createSanityClient(base),
    viewer: createSanityClient({ ...base, token: sanity.readToken }),
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

/** True for a mutate request Sanity only checks (`?dryRun=true`): the backfill's write check. */
export const isDryRunMutate = (request: { path: string; search: URLSearchParams }) =>
  request.path.includes('/data/mutate/') && request.search.get('dryRun') === 'true'

/** Mutate requests that write (the backfill's dry-run write check excepted). */
export const savesSeen = (sanity: FakeSanity) =>
  sanity.seen.filter((r) => r.path.includes('/data/mutate/') && !isDryRunMutate(r))

/**
 * Makes the next mutate request that writes fail with 500 (a dry-run check passes): the fake's
 * `failMutations` would be spent on the backfill's write check.
 */
export function failNextSave(sanity: FakeSanity): void {
  sanity.beforeMutate = () => {
    const request = sanity.seen.at(-1)
    if (request && isDryRunMutate(request)) return
    sanity.failMutations = 1
    sanity.beforeMutate = undefined
  }
}

/**
 * `client` whose writes are committed with `writer`'s token (its dry-run checks with `client`'s):
 * a token whose rights change between the check and the save.
 */
export function savingWith(client: SanityClient, writer: SanityClient): SanityClient {
  // Methods bound to their target: the client and the transaction keep private (#) fields.
  const bound = (target: object, property: string | symbol) => {
    const value = Reflect.get(target, property)
    return typeof value === 'function' ? value.bind(target) : value
  }
  return new Proxy(client, {
    get(target, property) {
      if (property !== 'transaction') return bound(target, property)
      return () => {
        const tx = target.transaction()
        return new Proxy(tx, {
          get(txTarget, txProperty) {
            if (txProperty !== 'commit') return bound(txTarget, txProperty)
            return (options?: { dryRun?: boolean }) =>
              options?.dryRun
                ? txTarget.commit(options as never)
                : writer.transaction(txTarget.serialize()).commit(options as never)
          },
        })
      }
    },
  })
}
