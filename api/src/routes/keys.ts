import {
  CreatedApiKey,
  type CreatedApiKey as CreatedApiKeyBody,
  KeyCreateRequest,
  KeyList,
  type KeyList as KeyListBody,
} from '@alttextapi/core'
import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import {
  API_KEY_COLUMNS,
  type ApiKeyRow,
  apiKeyJson,
  MAX_KEYS_PER_USER,
  prepareApiKey,
} from '../lib/api-keys.js'
import { readJson } from '../lib/body.js'
import { describe } from '../lib/route-doc.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

const getRootDoc = describe({
  summary: 'List API keys',
  description:
    'The active keys, newest first: name, display prefix, scope, daily credit cap, creation and last use (updated at most once a minute). ' +
    'Never the full key or its hash. Revoked keys are not listed.',
  tag: 'API keys',
  auth: ['session'],
  response: { status: 200, schema: KeyList },
  errors: ['unauthorized'],
})

const postRootDoc = describe({
  summary: 'Create an API key',
  description: `The full key is in this answer only; only its SHA-256 hash is stored. At most ${MAX_KEYS_PER_USER} active keys per account. \`scope\` \`generate\` makes a key for plugins and builds: it describes images and reads its own usage and the balance, and answers 403 on the account routes; \`account\` (the default) may also read the account, all usage and the ledger. \`dailyCreditCap\` limits the credits the key spends per UTC day (403 \`forbidden\` past it).`,
  tag: 'API keys',
  auth: ['session'],
  request: KeyCreateRequest,
  response: { status: 201, schema: CreatedApiKey },
  errors: ['unauthorized', 'payload_too_large'],
})

const deleteIdDoc = describe({
  summary: 'Revoke an API key',
  description: 'The key answers 401 from this moment on. Usage records made with it are kept.',
  tag: 'API keys',
  auth: ['session'],
  response: { status: 204, description: 'The key is revoked.' },
  errors: ['unauthorized', 'not_found'],
})

/** `/v1/keys`: list, create and revoke API keys. A session is needed: a key cannot mint keys. */
export const keys = new Hono<AppEnv>()
  .use(requireAuth('session'))
  .get('/', getRootDoc, async (c) => {
    const { results } = await c.env.DB.prepare(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys
       WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, rowid DESC`,
    )
      .bind(c.var.user.id)
      .all<ApiKeyRow>()
    return c.json<KeyListBody>({ keys: results.map(apiKeyJson) })
  })
  .post('/', postRootDoc, async (c) => {
    const body = await readJson(c, KeyCreateRequest)
    const key = await prepareApiKey(c.env.DB, c.var.user.id, body.name, Date.now(), {
      scope: body.scope,
      dailyCreditCap: body.dailyCreditCap,
    })
    const result = await key.statement.run()
    if (result.meta.changes !== 1) {
      throw new ApiError(
        'invalid_request',
        `An account can hold at most ${MAX_KEYS_PER_USER} active keys. Revoke one you no longer use first.`,
      )
    }
    return c.json<CreatedApiKeyBody>(key.created, 201)
  })
  .delete('/:id', deleteIdDoc, async (c) => {
    // Scoped to the user: someone else's key id is indistinguishable from one that never existed.
    const result = await c.env.DB.prepare(
      'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
    )
      .bind(Date.now(), c.req.param('id'), c.var.user.id)
      .run()
    if (result.meta.changes !== 1) throw new ApiError('not_found', 'No such API key.')
    return c.body(null, 204)
  })
