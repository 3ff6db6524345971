/**
 * A tiny, dependency-free schema kit: one definition gives the TypeScript type (`Infer`), a
 * runtime validator (`parse`) and the JSON Schema used in the OpenAPI document. Core owns the wire
 * contract with it, so the API validates requests with the very schemas the clients are typed by.
 */

/** A JSON Schema fragment (OpenAPI 3.1 dialect). */
export type JsonSchema = { [key: string]: unknown }

/** One problem found while validating, with a dotted path to the offending field. */
export interface Issue {
  path: string
  message: string
}

/** The outcome of `parse`. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] }

/** A schema for values of type `T`. */
export interface Schema<T> {
  readonly json: JsonSchema
  readonly isOptional: boolean
  /** Validates `input`; strings are not coerced, unknown object fields are refused. */
  parse(input: unknown): ParseResult<T>
  /** Internal: validates at `path`, pushing issues. */
  check(input: unknown, path: string, issues: Issue[]): T
}

/** The TypeScript type a schema describes. */
export type Infer<S> = S extends Schema<infer T> ? T : never

type Shape = Record<string, Schema<unknown>>
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { isOptional: true } ? K : never
}[keyof S]
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>
type Simplify<T> = { [K in keyof T]: T[K] } & {}
/** The object type a shape describes: optional schemas become optional keys. */
export type InferShape<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>

function make<T>(json: JsonSchema, check: Schema<T>['check'], isOptional = false): Schema<T> {
  return {
    json,
    isOptional,
    check,
    parse(input) {
      const issues: Issue[] = []
      const value = check(input, '', issues)
      return issues.length === 0 ? { ok: true, value } : { ok: false, issues }
    },
  }
}

const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key
const where = (path: string) => path || 'body'

interface StringOptions {
  minLength?: number
  maxLength?: number
  pattern?: RegExp
  format?: 'email' | 'uri' | 'date-time'
  description?: string
  /** Trim white space before checking and returning. */
  trim?: boolean
}

/** A string, optionally trimmed and bounded. */
export function string(options: StringOptions = {}): Schema<string> {
  const json: JsonSchema = { type: 'string' }
  if (options.minLength !== undefined) json.minLength = options.minLength
  if (options.maxLength !== undefined) json.maxLength = options.maxLength
  if (options.pattern) json.pattern = options.pattern.source
  if (options.format) json.format = options.format
  if (options.description) json.description = options.description
  return make(json, (input, path, issues) => {
    if (typeof input !== 'string') {
      issues.push({ path: where(path), message: 'must be a string' })
      return ''
    }
    const value = options.trim ? input.trim() : input
    if (options.minLength !== undefined && value.length < options.minLength)
      issues.push({
        path: where(path),
        message: `must be at least ${options.minLength} characters`,
      })
    if (options.maxLength !== undefined && value.length > options.maxLength)
      issues.push({ path: where(path), message: `must be at most ${options.maxLength} characters` })
    if (options.pattern && !options.pattern.test(value))
      issues.push({ path: where(path), message: 'has an invalid format' })
    return value
  })
}

interface NumberOptions {
  integer?: boolean
  minimum?: number
  maximum?: number
  description?: string
}

/** A finite number (or integer), optionally bounded. */
export function number(options: NumberOptions = {}): Schema<number> {
  const json: JsonSchema = { type: options.integer ? 'integer' : 'number' }
  if (options.minimum !== undefined) json.minimum = options.minimum
  if (options.maximum !== undefined) json.maximum = options.maximum
  if (options.description) json.description = options.description
  return make(json, (input, path, issues) => {
    if (typeof input !== 'number' || !Number.isFinite(input)) {
      issues.push({ path: where(path), message: 'must be a number' })
      return 0
    }
    if (options.integer && !Number.isInteger(input))
      issues.push({ path: where(path), message: 'must be an integer' })
    if (options.minimum !== undefined && input < options.minimum)
      issues.push({ path: where(path), message: `must be at least ${options.minimum}` })
    if (options.maximum !== undefined && input > options.maximum)
      issues.push({ path: where(path), message: `must be at most ${options.maximum}` })
    return input
  })
}

/** `true` or `false`. */
export function boolean(description?: string): Schema<boolean> {
  return make(
    description ? { type: 'boolean', description } : { type: 'boolean' },
    (input, path, issues) => {
      if (typeof input !== 'boolean')
        issues.push({ path: where(path), message: 'must be true or false' })
      return input === true
    },
  )
}

/** One of a fixed set of strings. */
export function enumeration<const V extends string>(values: readonly V[]): Schema<V> {
  return make({ type: 'string', enum: [...values] }, (input, path, issues) => {
    if (typeof input !== 'string' || !(values as readonly string[]).includes(input))
      issues.push({ path: where(path), message: `must be one of: ${values.join(', ')}` })
    return input as V
  })
}

/** A value that may be `null`. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return make({ anyOf: [inner.json, { type: 'null' }] }, (input, path, issues) =>
    input === null ? null : inner.check(input, path, issues),
  )
}

/** An optional field of an object (absent or `undefined`). */
export function optional<T>(inner: Schema<T>): Schema<T | undefined> & { isOptional: true } {
  const schema = make<T | undefined>(
    inner.json,
    (input, path, issues) => (input === undefined ? undefined : inner.check(input, path, issues)),
    true,
  )
  return schema as Schema<T | undefined> & { isOptional: true }
}

interface ArrayOptions {
  minItems?: number
  maxItems?: number
}

/** An array of items. */
export function array<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
  const json: JsonSchema = { type: 'array', items: item.json }
  if (options.minItems !== undefined) json.minItems = options.minItems
  if (options.maxItems !== undefined) json.maxItems = options.maxItems
  return make(json, (input, path, issues) => {
    if (!Array.isArray(input)) {
      issues.push({ path: where(path), message: 'must be an array' })
      return []
    }
    if (options.minItems !== undefined && input.length < options.minItems)
      issues.push({ path: where(path), message: `must have at least ${options.minItems} items` })
    if (options.maxItems !== undefined && input.length > options.maxItems) {
      issues.push({ path: where(path), message: `must have at most ${options.maxItems} items` })
      return []
    }
    return input.map((value, index) => item.check(value, at(path, index), issues))
  })
}

/** Any of several schemas (the first that accepts wins). For response documentation mostly. */
export function union<T extends Schema<unknown>[]>(...members: T): Schema<Infer<T[number]>> {
  return make({ anyOf: members.map((member) => member.json) }, (input, path, issues) => {
    for (const member of members) {
      const local: Issue[] = []
      const value = member.check(input, path, local)
      if (local.length === 0) return value as Infer<T[number]>
    }
    issues.push({ path: where(path), message: 'does not match any allowed form' })
    return input as Infer<T[number]>
  })
}

/** Any JSON value (documentation only). */
export function unknown(description?: string): Schema<unknown> {
  return make(description ? { description } : {}, (input) => input)
}

/** An object with a fixed set of keys; unknown keys are refused. */
export function object<S extends Shape>(
  shape: S,
  description?: string,
): Schema<InferShape<S>> & {
  shape: S
} {
  const required = Object.keys(shape).filter((key) => !shape[key]?.isOptional)
  const json: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, value.json])),
    required,
    additionalProperties: false,
  }
  if (description) json.description = description
  const schema = make<InferShape<S>>(json, (input, path, issues) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      issues.push({ path: where(path), message: 'must be an object' })
      return {} as InferShape<S>
    }
    const record = input as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(shape, key))
        issues.push({ path: at(path, key), message: 'is not a known field' })
    }
    for (const [key, field] of Object.entries(shape)) {
      if (!field.isOptional && record[key] === undefined) {
        issues.push({ path: at(path, key), message: 'is required' })
        continue
      }
      const value = field.check(record[key], at(path, key), issues)
      if (value !== undefined) out[key] = value
    }
    return out as InferShape<S>
  })
  return Object.assign(schema, { shape })
}

/** Formats issues as one readable sentence for an error message. */
export function describeIssues(issues: Issue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path} ${issue.message}`)
    .join('; ')
}
