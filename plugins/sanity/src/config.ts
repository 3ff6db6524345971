/** The plugin's options and their defaults. */
import type { ImageDelivery } from './describe/describer.js'

/** Options of `altTextApi(...)`. None holds the API key: see `secrets.ts`. */
export interface AltTextPluginConfig {
  /** Name of the alt subfield of image fields. Default `alt`. */
  altField?: string
  /** Language (BCP 47) when a document has no language field. Default: the API's (`en`). */
  language?: string
  /** Document field(s) with the document's language. Default `['language', '__i18n_lang']`. */
  languageField?: string | string[] | false
  /** AltText model id. Default: the API's default model. */
  model?: string
  /** Longest alt text in characters. Default: the API's (125). */
  maxLength?: number
  /**
   * Ask for long descriptions (charts, diagrams, screenshots of text; extra credits, see
   * /v1/models `longCredits`) and store them in this field: the image field's subfield of that
   * name (field button, document action, only when the image type declares it) and the asset's
   * field of that name (Alt text tool, backfill), each only where it is empty. Default: none.
   */
  longDescriptionField?: string
  /** Parallel API calls of the document action and the tool. Default 4. */
  concurrency?: number
  /** Assets per transaction in the tool. Default 25. */
  batchSize?: number
  /** Longest side of the copy sent to the API, in pixels. Default 1024. */
  imageWidth?: number
  /** Image CDN. Default `https://cdn.sanity.io`. */
  imageBaseUrl?: string
  /** `url` (default): the API fetches the image; `upload`: the Studio sends its bytes. */
  imageDelivery?: ImageDelivery
  /** AltText API base URL. Default the hosted API. */
  apiUrl?: string
  /**
   * A proxy that adds the API key on the server (see README, Security). When set, the Studio
   * sends no key and the secret document is not used.
   */
  proxyUrl?: string
  /** Id of the private document holding the key. Default `secrets.alttextapi`. */
  secretId?: string
  /**
   * Let the Alt text tool store a key of scope `account`. Default false: the secret document is
   * readable by every member, so only a `generate` key (with a daily cap) is accepted.
   */
  allowAccountKey?: boolean
  /** Turn parts off. Each default true. */
  imageInput?: boolean
  documentAction?: boolean
  tool?: boolean
  /** The "Alt text review" tool. Default true. */
  reviewTool?: boolean
}

/** The config with every default filled in. */
export type ResolvedPluginConfig = Required<
  Pick<
    AltTextPluginConfig,
    | 'altField'
    | 'concurrency'
    | 'batchSize'
    | 'imageWidth'
    | 'imageDelivery'
    | 'secretId'
    | 'imageInput'
    | 'documentAction'
    | 'tool'
    | 'reviewTool'
  >
> &
  AltTextPluginConfig

/** The Sanity API version the plugin's client calls use. */
export const STUDIO_API_VERSION = '2025-02-19'

/** Fills in the defaults. */
export function resolvePluginConfig(config: AltTextPluginConfig = {}): ResolvedPluginConfig {
  return {
    ...config,
    altField: config.altField ?? 'alt',
    concurrency: config.concurrency ?? 4,
    batchSize: config.batchSize ?? 25,
    imageWidth: config.imageWidth ?? 1024,
    imageDelivery: config.imageDelivery ?? 'url',
    secretId: config.secretId ?? 'secrets.alttextapi',
    imageInput: config.imageInput ?? true,
    documentAction: config.documentAction ?? true,
    tool: config.tool ?? true,
    reviewTool: config.reviewTool ?? true,
  }
}
