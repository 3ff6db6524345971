/**
 * Reading the model's structured answer (`{altText, decorative, kind, longDescription?}`, asked
 * for in prompt.ts) defensively. Model output is untrusted: a model that answers plain text
 * still gives alt text (kind `FALLBACK_KIND`, decorative false); JSON wrapped in prose or a code
 * fence is found; every text field goes through `finishAltText` (markup and entities stripped,
 * one line, length capped). A pure function.
 */
import {
  FALLBACK_KIND,
  type ImageKind,
  isImageKind,
  LONG_DESCRIPTION_KINDS,
  MAX_LONG_DESCRIPTION_LENGTH,
} from '@alttextapi/core'
import { finishAltText } from './alt-text.js'

/** The description fields of an answer, besides the model and the charge. */
export interface ModelDescription {
  /** Clean alt text; `''` when nothing usable was left (the caller treats that as a failure). */
  altText: string
  decorative: boolean
  kind: ImageKind
  /** Only when asked (`long`) and the kind is one of `LONG_DESCRIPTION_KINDS`. */
  longDescription?: string
}

/** Options of `parseModelAnswer`. */
export interface ParseOptions {
  maxLength: number
  language?: string | undefined
  /** The request asked for a long description. */
  long?: boolean | undefined
}

/** The first JSON object in the text (after reasoning blocks and fences), or undefined. */
function jsonObject(raw: string): Record<string, unknown> | undefined {
  const text = raw.replace(/<think>[\s\S]*?<\/think>/gi, ' ')
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start < 0 || end <= start) return undefined
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1))
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** A string field under any of `names` (models vary the spelling: altText, alt_text, alt). */
function field(object: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = object[name]
    if (typeof value === 'string') return value
  }
  return undefined
}

// A broken JSON answer (cut off by the token limit, an unescaped quote) still names its alt text.
const ALT_FIELD = /"alt(?:_?text|Text)?"\s*:\s*"((?:[^"\\]|\\.)*)"/i

function looseAltText(raw: string): string | undefined {
  const match = ALT_FIELD.exec(raw)
  if (!match) return undefined
  try {
    return JSON.parse(`"${match[1]}"`) as string
  } catch {
    return match[1]
  }
}

/** Turns the model's raw answer into the description fields (see the module comment). */
export function parseModelAnswer(raw: string, options: ParseOptions): ModelDescription {
  const finish = (text: string, maxLength: number) =>
    finishAltText(text, { maxLength, language: options.language })
  const object = jsonObject(raw)
  if (!object) {
    // Plain text (or JSON too broken to parse): the alt text is what there is.
    const loose = looseAltText(raw)
    const text = loose ?? (raw.trimStart().startsWith('{') ? '' : raw)
    return { altText: finish(text, options.maxLength), decorative: false, kind: FALLBACK_KIND }
  }
  const named = field(object, ['kind', 'type'])?.trim().toLowerCase()
  const kind = isImageKind(named) ? named : FALLBACK_KIND
  const decorative = object.decorative === true || object.decorative === 'true'
  const answer: ModelDescription = {
    altText: finish(field(object, ['altText', 'alt_text', 'alt', 'text']) ?? '', options.maxLength),
    decorative,
    kind,
  }
  const long = field(object, ['longDescription', 'long_description', 'long'])
  if (options.long === true && long !== undefined && LONG_DESCRIPTION_KINDS.includes(kind)) {
    const text = finish(long, MAX_LONG_DESCRIPTION_LENGTH)
    if (text) answer.longDescription = text
  }
  return answer
}

/** The description fields of an answer besides the alt text (what reuse and replay keep). */
export type DescriptionFields = Omit<ModelDescription, 'altText'>

/**
 * The description fields of a stored or fresh answer, normalised: an answer kept before these
 * fields existed (a reuse row, an Idempotency-Key claim) reads as not decorative, of the fallback
 * kind, without a long description.
 */
export function descriptionFields(
  from: Partial<Record<keyof DescriptionFields, unknown>>,
): DescriptionFields {
  const fields: DescriptionFields = {
    decorative: from.decorative === true,
    kind: isImageKind(from.kind) ? from.kind : FALLBACK_KIND,
  }
  if (typeof from.longDescription === 'string' && from.longDescription !== '')
    fields.longDescription = from.longDescription
  return fields
}
