/**
 * The API key lives in a private document of the dataset, not in the Studio bundle. Documents
 * whose id has a dot-separated path (`secrets.alttextapi`) are not readable without
 * authentication, even in a public dataset; the Studio reads it with the signed-in user's client.
 * Any member allowed to read the dataset can read it: see README, Security.
 */
import type { SanityClient } from '@sanity/client'

/** The `_type` of the secret document (not in the schema, so it never shows in desk lists). */
export const SECRET_TYPE = 'alttextapi.secret'

/** The stored key, or undefined when none is set (or the user may not read it). */
export async function readApiKey(
  client: SanityClient,
  secretId: string,
): Promise<string | undefined> {
  const key = await client.fetch<string | null>('*[_id == $id][0].apiKey', { id: secretId })
  return typeof key === 'string' && key.trim() ? key.trim() : undefined
}

/** Stores (or with an empty key, removes) the key. Needs write access. */
export async function saveApiKey(client: SanityClient, secretId: string, apiKey: string) {
  const key = apiKey.trim()
  if (!key) {
    await client.delete(secretId)
    return
  }
  if (!/^atk_[A-Za-z0-9_-]{16,}$/.test(key))
    throw new Error('That is not an AltText API key (atk_…)')
  await client.createOrReplace({ _id: secretId, _type: SECRET_TYPE, apiKey: key })
}

/** The first characters of a key, to show which key is set without showing it. */
export function keyHint(apiKey: string): string {
  return `${apiKey.slice(0, 8)}…`
}
