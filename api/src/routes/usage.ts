import {
  LIMITS,
  type UsagePage,
  UsagePage as UsagePageSchema,
  type UsageRecord,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { type UsageRow, usageJson } from '../lib/records.js'
import { describe } from '../lib/route-doc.js'
import { decodeCursor, encodeCursor, parseDate, parseLimit } from '../lib/usage-query.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/** `from` and `to` take a date (`2026-01-31`) or a date-time (`2026-01-31T12:00:00Z`). */
const DATE_OR_DATE_TIME = {
  type: 'string',
  anyOf: [{ format: 'date' }, { format: 'date-time' }],
}

const getRootDoc = describe({
  summary: 'List usage records, newest first',
  description:
    'One record per described image. With storeHistory off, imageUrl and altText are null. Page with `nextCursor`; filter with `from`/`to` (ISO 8601 dates or date-times, both inclusive). A key of scope generate sees its own records only.',
  tag: 'Usage',
  auth: ['session', 'key'],
  query: [
    {
      name: 'limit',
      description: `Records per page (1–${LIMITS.maxUsagePageSize}, default 50)`,
      schema: { type: 'integer', minimum: 1, maximum: LIMITS.maxUsagePageSize },
    },
    {
      name: 'cursor',
      description: 'nextCursor of the previous page',
      schema: { type: 'string' },
    },
    {
      name: 'from',
      description: 'Earliest createdAt (inclusive), ISO 8601',
      schema: DATE_OR_DATE_TIME,
    },
    {
      name: 'to',
      description:
        'Latest createdAt (inclusive), ISO 8601; a bare date means the end of that day (UTC)',
      schema: DATE_OR_DATE_TIME,
    },
  ],
  response: { status: 200, schema: UsagePageSchema },
  errors: ['unauthorized'],
})

/** The usage history: one record per described image, newest first. */
export const usage = new Hono<AppEnv>()

usage.use('*', requireAuth('session', 'key', 'generate'))

usage.get('/', getRootDoc, async (c) => {
  const limit = parseLimit(c.req.query('limit'))
  const cursorParam = c.req.query('cursor')
  const cursor = cursorParam ? decodeCursor(cursorParam) : undefined
  const from = parseDate(c.req.query('from'), 'from')
  const to = parseDate(c.req.query('to'), 'to')
  if (from !== undefined && to !== undefined && from > to)
    throw new ApiError('invalid_request', 'from must not be after to.')
  const where = ['user_id = ?']
  const params: Array<string | number> = [c.var.user.id]
  // A generate key reads its own usage only.
  const credential = c.var.credential
  if (credential.kind === 'key' && credential.scope === 'generate') {
    where.push('api_key_id = ?')
    params.push(credential.apiKeyId)
  }
  if (from !== undefined) {
    where.push('created_at >= ?')
    params.push(from)
  }
  if (to !== undefined) {
    where.push('created_at <= ?')
    params.push(to)
  }
  if (cursor) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))')
    params.push(cursor.createdAt, cursor.createdAt, cursor.id)
  }
  const { results } = await c.env.DB.prepare(
    `SELECT id, created_at, endpoint, model, image_url, alt_text, language, credits_used, api_key_id
     FROM usage WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
  )
    .bind(...params, limit + 1)
    .all<UsageRow>()
  const page = results.slice(0, limit)
  const last = page.at(-1)
  const records: UsageRecord[] = page.map(usageJson)
  const nextCursor =
    results.length > limit && last
      ? encodeCursor({ createdAt: last.created_at, id: last.id })
      : null
  return c.json({ records, nextCursor } satisfies UsagePage)
})
