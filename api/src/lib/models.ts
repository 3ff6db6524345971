/**
 * The model registry: which vision models may be asked, what an image costs with each, and the
 * order in which they stand in for one another.
 */
import { LONG_DESCRIPTION_CREDITS, type Model } from '@alttextapi/core'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'

/** A model the API can call. */
export interface ModelEntry {
  /** The OpenRouter model id, sent as `model` in chat completions. */
  id: string
  name: string
  /** Credits charged per described image. */
  credits: number
  /**
   * Of `credits`, what a long description adds (`pricedFor` sets it): the fallback chain compares
   * models by their price without it.
   */
  surcharge?: number
}

/**
 * The entry a request is charged by: the model's price, plus `LONG_DESCRIPTION_CREDITS` when it
 * asks `long: true` (whether or not a long description comes back: the model is asked to do the
 * work either way, and the price is known before the call, so a 402 or a daily cap is decided in
 * the one charge, credits.ts, like any price).
 */
export function pricedFor(model: ModelEntry, long: boolean | undefined): ModelEntry {
  if (long !== true) return model
  return {
    ...model,
    credits: model.credits + LONG_DESCRIPTION_CREDITS,
    surcharge: LONG_DESCRIPTION_CREDITS,
  }
}

/** The built-in default: cheap, fast and good at short descriptions. */
export const BUILTIN_DEFAULT = 'google/gemini-2.5-flash-lite'

/** Registry order is also the fallback order among models of the same price. */
export const REGISTRY: readonly ModelEntry[] = [
  { id: 'google/gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash Lite', credits: 1 },
  { id: 'qwen/qwen2.5-vl-32b-instruct', name: 'Qwen 2.5 VL 32B Instruct', credits: 1 },
  { id: 'qwen/qwen2.5-vl-72b-instruct', name: 'Qwen 2.5 VL 72B Instruct', credits: 2 },
  { id: 'google/gemini-2.5-flash', name: 'Gemini 2.5 Flash', credits: 2 },
]

/** Most models tried for one image (the requested one plus fallbacks). */
export const MAX_MODELS_PER_IMAGE = 3

/**
 * The models on offer. A DEFAULT_MODEL outside the registry (e.g. a local Ollama model behind
 * OPENROUTER_BASE_URL) is offered too, at 1 credit.
 */
export function availableModels(config: Config): ModelEntry[] {
  const wanted = config.defaultModel
  if (wanted && !REGISTRY.some((model) => model.id === wanted)) {
    return [...REGISTRY, { id: wanted, name: wanted, credits: 1 }]
  }
  return [...REGISTRY]
}

/** The id used when a request names no model. */
export function defaultModelId(config: Config): string {
  return config.defaultModel ?? BUILTIN_DEFAULT
}

/** The public list for GET /v1/models. */
export function modelList(config: Config): Model[] {
  const fallback = defaultModelId(config)
  return availableModels(config).map((model) => ({
    id: model.id,
    name: model.name,
    credits: model.credits,
    longCredits: LONG_DESCRIPTION_CREDITS,
    default: model.id === fallback,
  }))
}

/** The requested model (or the default); an unknown id is a 400 naming the valid ones. */
export function resolveModel(config: Config, requested: string | undefined): ModelEntry {
  const models = availableModels(config)
  const id = requested ?? defaultModelId(config)
  const model = models.find((entry) => entry.id === id)
  if (!model) {
    throw new ApiError(
      'invalid_request',
      `Unknown model "${id}". Valid models: ${models.map((entry) => entry.id).join(', ')}.`,
    )
  }
  return model
}

/**
 * The models to try, in order: the requested one, then the others that cost the same or less
 * (same price first), so a fallback never costs more than the price quoted.
 */
export function fallbackChain(config: Config, requested: ModelEntry): ModelEntry[] {
  const price = requested.credits - (requested.surcharge ?? 0)
  const others = availableModels(config)
    .filter((model) => model.id !== requested.id && model.credits <= price)
    .sort((a, b) => b.credits - a.credits)
  return [requested, ...others].slice(0, MAX_MODELS_PER_IMAGE)
}
