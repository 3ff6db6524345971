/**
 * The API key lives in a private document of the dataset, not in the Studio bundle. Documents
 * whose id has a dot-separated path (`secrets.alttextapi`) are not readable without
 * authentication, even in a public dataset; the Studio reads it with the signed-in user's client.
 * Any member allowed to read the dataset can read it: so it should be a `generate`-scoped key with
 * a daily credit cap (checked when it is saved), or no key at all behind a proxy. See README, Security.
 */
import { type AltTextClient, isAltTextError } from '@alttextapi/core'
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

/**
 * What a key may do: `generate` (describe images, read its balance and own usage) or `account`
 * (everything, the account's email and every key's usage included). A generate key is refused
 * the account route (403); that is how the scope is told without a dedicated route.
 */
export type KeyScope = 'generate' | 'account'

/** Asks the API what the client's key may do. Rejects when the key is refused (401). */
export async function keyScope(altClient: AltTextClient): Promise<KeyScope> {
  try {
    await altClient.account()
    return 'account'
  } catch (error) {
    if (isAltTextError(error) && error.code === 'forbidden') return 'generate'
    throw error
  }
}

/** Why an account-scoped key is refused for the dataset (shown to the administrator). */
export const ACCOUNT_KEY_REFUSED =
  'This key can read and change your whole AltText account, and every member who can read this dataset can read it. ' +
  'Create a key with the scope "generate" and a daily credit cap in the dashboard and save that one ' +
  '(or set allowAccountKey: true in the plugin options to store it anyway).'

/** Options of `saveApiKey`. */
export interface SaveKeyOptions {
  /** A client with the new key: its scope is checked before it is stored. */
  altClient?: AltTextClient | undefined
  /** Store a key of scope `account` too. Default false: refused with `ACCOUNT_KEY_REFUSED`. */
  allowAccountKey?: boolean | undefined
}

/**
 * Stores (or with an empty key, removes) the key. Needs write access. With `altClient`, the key is
 * tried first (a key the API refuses is not stored) and an account-scoped key is refused unless
 * `allowAccountKey`: the document is readable by every member, so it should hold a key that can
 * only describe images, within a daily cap.
 */
export async function saveApiKey(
  client: SanityClient,
  secretId: string,
  apiKey: string,
  options: SaveKeyOptions = {},
) {
  const key = apiKey.trim()
  if (!key) {
    await client.delete(secretId)
    return
  }
  if (!/^atk_[A-Za-z0-9_-]{16,}$/.test(key))
    throw new Error('That is not an AltText API key (atk_…)')
  if (options.altClient) {
    const scope = await keyScope(options.altClient)
    if (scope === 'account' && !options.allowAccountKey) throw new Error(ACCOUNT_KEY_REFUSED)
  }
  await client.createOrReplace({ _id: secretId, _type: SECRET_TYPE, apiKey: key })
}

/** The first characters of a key, to show which key is set without showing it. */
export function keyHint(apiKey: string): string {
  return `${apiKey.slice(0, 8)}…`
}
