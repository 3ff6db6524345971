/**
 * API keys this isolate charged a moment ago. Only used to skip the lookup that guards the body
 * read (`POST /v1/alt-text` looks an unknown key up before parsing a body of up to 10 MB); the
 * charge itself always checks the key in D1, so a key revoked since is still refused at once.
 */

/** An entry is trusted for this long after the key's last successful charge. */
const TTL_MS = 60_000
/** Bounded, so that many keys cannot grow the isolate's memory. */
const MAX_ENTRIES = 1_000

const seen = new Map<string, number>()

/** Whether the key was charged here in the last minute. */
export function isKnownKey(keyHash: string, now = Date.now()): boolean {
  const at = seen.get(keyHash)
  if (at === undefined) return false
  if (now - at > TTL_MS) {
    seen.delete(keyHash)
    return false
  }
  return true
}

/** Notes a successful charge with the key. */
export function rememberKey(keyHash: string, now = Date.now()): void {
  seen.delete(keyHash)
  if (seen.size >= MAX_ENTRIES) {
    // Maps iterate in insertion order: the first entry is the least recently charged.
    const oldest = seen.keys().next().value
    if (oldest !== undefined) seen.delete(oldest)
  }
  seen.set(keyHash, now)
}

/** Forgets a key whose charge was refused. */
export function forgetKey(keyHash: string): void {
  seen.delete(keyHash)
}
