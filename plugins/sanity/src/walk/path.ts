/** Sanity paths: segments as the Studio uses them, and the string form mutations take. */

/** One step of a path: a field name, an array index, or an array item's `_key`. */
export type PathSegment = string | number | { _key: string }

/** A path from the document root. */
export type Path = PathSegment[]

const SIMPLE_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * The string form of a path for patches: `body[_key=="a1"].alt`, `gallery[2].alt`.
 * Keyed segments are preferred by the walk because they survive reordering of the array.
 */
export function toPathString(path: Path): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (typeof segment === 'string') {
      if (!SIMPLE_FIELD.test(segment)) throw new Error(`Unsupported field name in path: ${segment}`)
      out += out ? `.${segment}` : segment
    } else out += `[_key==${JSON.stringify(segment._key)}]`
  }
  return out
}

/** The value at `path` inside `value` (undefined when any step is missing). */
export function getAtPath(value: unknown, path: Path): unknown {
  let current: unknown = value
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined
    if (typeof segment === 'string') current = (current as Record<string, unknown>)[segment]
    else if (!Array.isArray(current)) return undefined
    else if (typeof segment === 'number') current = current[segment]
    else current = current.find((item) => isRecord(item) && item._key === segment._key)
  }
  return current
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
