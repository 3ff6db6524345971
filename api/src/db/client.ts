import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema.js'

/** The drizzle database for a request. */
export function database(d1: D1Database) {
  return drizzle(d1, { schema })
}

/** The drizzle database type. */
export type Database = ReturnType<typeof database>
