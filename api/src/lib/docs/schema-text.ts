/**
 * Plain-text views of JSON Schema fragments for the reference page: a one-line type, the
 * constraints as short phrases, and an object flattened into field rows.
 */

/** A JSON Schema fragment as the document holds it. */
export type JsonSchema = { [key: string]: unknown }

/** Looks a `$ref` up in the document's components (other schemas come back as they are). */
export type Resolver = (schema: JsonSchema) => JsonSchema

/** A one-line type: `string`, `integer`, `User`, `array of ApiKey`, `string or null`. */
export function typeName(schema: JsonSchema, resolve: Resolver): string {
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'object'
  // `allOf: [$ref, narrowing]` is the referenced schema with extra rules.
  const first = (schema.allOf as JsonSchema[] | undefined)?.[0]
  if (first) return typeName(first, resolve)
  if (typeof schema.type === 'string' && schema.anyOf) return schema.type
  const members = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (Array.isArray(members) && !schema.properties) {
    return members.map((member) => typeName(member, resolve)).join(' or ')
  }
  if (schema.type === 'array')
    return `array of ${typeName((schema.items as JsonSchema) ?? {}, resolve)}`
  if (Array.isArray(schema.enum))
    return `one of ${(schema.enum as unknown[]).map(String).join(', ')}`
  if (schema.format === 'binary') return 'file'
  return typeof schema.type === 'string' ? schema.type : 'any'
}

const PHRASES: Array<[string, (value: unknown) => string]> = [
  ['format', (value) => `format ${String(value)}`],
  ['minLength', (value) => `at least ${String(value)} characters`],
  ['maxLength', (value) => `at most ${String(value)} characters`],
  ['minimum', (value) => `≥ ${String(value)}`],
  ['maximum', (value) => `≤ ${String(value)}`],
  ['minItems', (value) => `at least ${String(value)} items`],
  ['maxItems', (value) => `at most ${String(value)} items`],
  ['pattern', (value) => `pattern ${String(value)}`],
  ['default', (value) => `default ${JSON.stringify(value)}`],
]

/** The constraints of a schema as short phrases. */
export function constraints(schema: JsonSchema): string[] {
  const out = PHRASES.filter(([key]) => schema[key] !== undefined).map(([key, phrase]) =>
    phrase(schema[key]),
  )
  const formats = ((schema.anyOf as JsonSchema[] | undefined) ?? [])
    .map((member) => member.format)
    .filter((format) => typeof format === 'string')
  if (formats.length > 0) out.push(`format ${formats.join(' or ')}`)
  return out
}

/** One field of a flattened object. */
export interface FieldRow {
  name: string
  type: string
  required: boolean
  notes: string[]
}

/** Flattens an object schema into rows (`apiKey.key`, `images[].imageUrl`), following `$ref`s. */
export function fieldRows(
  schema: JsonSchema,
  resolve: Resolver,
  prefix = '',
  depth = 0,
): FieldRow[] {
  const first = (schema.allOf as JsonSchema[] | undefined)?.[0]
  const target = resolve(first ?? schema)
  const properties = target.properties as Record<string, JsonSchema> | undefined
  if (!properties || depth > 4) return []
  const required = new Set((target.required as string[] | undefined) ?? [])
  const rows: FieldRow[] = []
  for (const [key, property] of Object.entries(properties)) {
    const name = `${prefix}${key}`
    const inner = resolve(property)
    const notes = constraints(inner)
    if (typeof property.description === 'string') notes.unshift(property.description)
    else if (typeof inner.description === 'string') notes.unshift(inner.description)
    rows.push({ name, type: typeName(property, resolve), required: required.has(key), notes })
    if (inner.type === 'object') rows.push(...fieldRows(inner, resolve, `${name}.`, depth + 1))
    if (inner.type === 'array' && inner.items) {
      rows.push(...fieldRows(inner.items as JsonSchema, resolve, `${name}[].`, depth + 1))
    }
    for (const member of (inner.anyOf as JsonSchema[] | undefined) ?? []) {
      if (resolve(member).type === 'object')
        rows.push(...fieldRows(member, resolve, `${name}.`, depth + 1))
    }
  }
  return rows
}

/** "Exactly one of: imageUrl, image" for a schema with a `oneOf` of required fields. */
export function oneOfNote(schema: JsonSchema): string | undefined {
  const members = schema.oneOf as JsonSchema[] | undefined
  if (!Array.isArray(members) || !schema.properties) return undefined
  const fields = members.flatMap((member) => (member.required as string[] | undefined) ?? [])
  return fields.length > 0 ? `Exactly one of: ${fields.join(', ')}.` : undefined
}
