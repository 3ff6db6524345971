export * from './errors.js'
export * as schema from './schema.js'
export type { Infer, Issue, JsonSchema, ParseResult, Schema } from './schema.js'
export * from './wire.js'
