/**
 * Describing one image with the model chain: the requested model, then its fallbacks, each
 * answer cleaned by `finishAltText`. Knows nothing of credits: `generate.ts` charges around it.
 * Image bytes live only in memory for the duration of the call.
 */
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'
import { type ChatSettings, complete, ModelFailure } from './chat-client.js'
import type { Image } from './image.js'
import { type ModelDescription, parseModelAnswer } from './model-answer.js'
import { fallbackChain, type ModelEntry } from './models.js'
import { maxTokensFor, type PromptInput, systemPrompt, userPrompt } from './prompt.js'

/** The product's public URL, sent as HTTP-Referer when APP_URL is not set. */
export const PRODUCT_URL = 'https://alttextapi.com'

/** What to describe and how. */
export interface DescribeInput {
  image: Image
  language: string
  maxLength: number
  context?: string
  /** What the image is for, and whether a long description is asked (prompt.ts). */
  purpose?: PromptInput['purpose']
  long?: boolean
}

/** The generic answer for any provider failure: details go to the log, not to the client. */
export const modelError = () =>
  new ApiError(
    'model_error',
    'The vision model could not describe this image right now. Nothing was charged; please try again.',
  )

/**
 * The chain's failure when a model did answer but nothing usable was left after clean-up: the
 * provider was paid for that work. Its refund counts against the key's hourly refund cap (an image
 * that always yields unusable output must not buy unlimited free model calls); a provider outage
 * (errors, timeouts) does not.
 */
export class UnusableOutput extends ApiError {}

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
): Promise<ModelDescription & { model: string }> {
  const settings: ChatSettings = {
    baseUrl: config.openrouterBaseUrl,
    apiKey: requireModelConfigured(config),
    referer: config.appUrl ?? PRODUCT_URL,
    timeoutMs: config.modelTimeoutMs,
    // One image never waits on the provider for more than two model timeouts in all.
    deadline: Date.now() + 2 * config.modelTimeoutMs,
  }
  const prompt: PromptInput = {
    language: input.language,
    maxLength: input.maxLength,
    context: input.context,
    purpose: input.purpose,
    long: input.long,
  }
  const system = systemPrompt(prompt)
  const user = userPrompt(prompt)
  const maxTokens = maxTokensFor(prompt)
  let unusable = false
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
        json: true,
      })
      const parsed = parseModelAnswer(answer.text, {
        maxLength: input.maxLength,
        language: input.language,
        long: input.long,
      })
      if (!parsed.altText) {
        unusable = true
        throw new ModelFailure('no usable text after clean-up')
      }
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
      return { ...parsed, model: model.id }
    } catch (error) {
      const failure = error instanceof ModelFailure ? error : new ModelFailure('unexpected error')
      log({ model: model.id, failure: failure.message, ms: Date.now() - started })
      health.failed(model.id, failure.fatal)
      if (failure.fatal) break
    }
  }
  if (unusable) {
    const { code, message } = modelError()
    throw new UnusableOutput(code, message)
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
