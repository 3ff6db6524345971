/**
 * The document walk: every image in a document value, wherever it hides (top-level fields,
 * arrays, nested objects, Portable Text blocks and their inline objects), with the state of its
 * alt subfield. Pure: no Studio, no network.
 */
import { isRecord, type Path, type PathSegment, toPathString } from './path.js'
import { fieldType, hasField, isImageSchema, memberType, type SchemaNode } from './schema.js'

/** What an image's alt subfield holds. */
export type AltState =
  /** Absent (or null): the walk offers it for filling. */
  | 'missing'
  /** An empty string: marked decorative on purpose, left alone. */
  | 'decorative'
  /** Text an editor (or an earlier run) wrote: never overwritten. */
  | 'present'

/** One image found in a document. */
export interface FoundImage {
  /** Path of the image object. */
  path: Path
  /** Path of its alt subfield. */
  altPath: Path
  /** `altPath` as a patch path string. */
  altPathString: string
  /** The asset reference, `image-<id>-<w>x<h>-<format>`. */
  assetRef: string
  state: AltState
  /** The current alt text (when present). */
  alt: string | undefined
  /** A caption or title next to the image, useful as context. */
  caption: string | undefined
}

/** Options of the walk. */
export interface FindImagesOptions {
  /** Name of the alt subfield. Default `alt`. */
  altField?: string
  /**
   * The document's schema type. With it the walk follows the schema: only image types that
   * declare the alt subfield count. Without it (or where the value leaves the schema) it falls
   * back to heuristics: an object with `_type: 'image'` or an `asset._ref` starting `image-`.
   */
  schemaType?: SchemaNode | undefined
  /** Deepest nesting followed (guards against pathological values). Default 64. */
  maxDepth?: number
}

const SKIPPED_IMAGE_KEYS = new Set(['asset', 'crop', 'hotspot', 'media'])
const CAPTION_FIELDS = ['caption', 'title', 'description']

function imageRef(value: Record<string, unknown>): string | undefined {
  const asset = value.asset
  if (!isRecord(asset)) return undefined
  const ref = asset._ref
  return typeof ref === 'string' && ref.startsWith('image-') ? ref : undefined
}

function looksLikeImage(value: Record<string, unknown>): boolean {
  return value._type === 'image' || imageRef(value) !== undefined
}

function captionOf(value: Record<string, unknown>, altField: string): string | undefined {
  for (const name of CAPTION_FIELDS) {
    if (name === altField) continue
    const text = value[name]
    if (typeof text === 'string' && text.trim()) return text.trim()
  }
  return undefined
}

function altState(alt: unknown): AltState {
  if (alt === undefined || alt === null) return 'missing'
  if (typeof alt === 'string' && alt.length === 0) return 'decorative'
  return 'present'
}

/** The patch path, or undefined under a key no patch path can hold (odd data must not throw). */
function patchPath(path: Path): string | undefined {
  try {
    return toPathString(path)
  } catch {
    return undefined
  }
}

/** Every image of `value` with an asset, in document order. */
export function findImages(value: unknown, options: FindImagesOptions = {}): FoundImage[] {
  const altField = options.altField ?? 'alt'
  const maxDepth = options.maxDepth ?? 64
  const found: FoundImage[] = []

  const visit = (node: unknown, path: Path, schema: SchemaNode | undefined, depth: number) => {
    if (depth > maxDepth || node === null || typeof node !== 'object') return
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        const key = isRecord(item) && typeof item._key === 'string' ? item._key : undefined
        const segment: PathSegment = key !== undefined ? { _key: key } : index
        const itemSchema = isRecord(item) ? memberType(schema, item._type) : undefined
        visit(item, [...path, segment], itemSchema, depth + 1)
      })
      return
    }
    const record = node as Record<string, unknown>
    // The schema decides where it knows the type; heuristics fill in where it does not.
    const isImage = schema ? isImageSchema(schema) : looksLikeImage(record)
    if (isImage) {
      const ref = imageRef(record)
      const altAllowed = schema ? hasField(schema, altField) : true
      const altPath = [...path, altField]
      const altPathString = ref && altAllowed ? patchPath(altPath) : undefined
      if (ref && altPathString !== undefined) {
        const alt = record[altField]
        found.push({
          path,
          altPath,
          altPathString,
          assetRef: ref,
          state: altState(alt),
          alt: typeof alt === 'string' ? alt : undefined,
          caption: captionOf(record, altField),
        })
      }
    }
    for (const [key, child] of Object.entries(record)) {
      if (key.startsWith('_') || child === null || typeof child !== 'object') continue
      if (isImage && (SKIPPED_IMAGE_KEYS.has(key) || key === altField)) continue
      if (record._type === 'reference' || record._type === 'slug') continue
      visit(child, [...path, key], fieldType(schema, key), depth + 1)
    }
  }

  visit(value, [], options.schemaType, 0)
  return found
}

/** The images whose alt is missing: what a fill run describes. */
export function findImagesMissingAlt(value: unknown, options: FindImagesOptions = {}) {
  return findImages(value, options).filter((image) => image.state === 'missing')
}
