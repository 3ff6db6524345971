/** Random identifiers, credentials and hashing on Web Crypto. */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** `length` random characters from [A-Za-z0-9], unbiased (rejection sampling). */
export function randomString(length: number): string {
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const byte of bytes) {
      // 62 * 4 = 248: bytes at or above it would bias the first letters.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62]
    }
  }
  return out
}

/** A prefixed random id, e.g. `usr_3hG…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomString(20)}`
}

/** A new API key: `atk_` + 40 random characters (≈238 bits). */
export function newApiKey(): string {
  return `atk_${randomString(40)}`
}

/** A new session token: `ats_` + 40 random characters. */
export function newSessionToken(): string {
  return `ats_${randomString(40)}`
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const encoder = new TextEncoder()

/** SHA-256 of a string, as lowercase hex. */
export async function sha256Hex(value: string): Promise<string> {
  // Runs for every API request (keys are stored hashed): a table lookup, not 32 small strings.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)))
  let hex = ''
  for (const byte of digest) hex += HEX[byte]
  return hex
}

const hmacKeys = new Map<string, Promise<CryptoKey>>()

/**
 * HMAC-SHA-256 of `value` under `secret`, as lowercase hex. For values from a small space (IP
 * addresses, emails) a bare hash can be reversed by trying them all; without the secret an HMAC
 * cannot. The imported key is cached per secret for the isolate's life.
 */
export async function hmacHex(secret: string, value: string): Promise<string> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    hmacKeys.set(secret, key)
  }
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(value)))
  let hex = ''
  for (const byte of mac) hex += HEX[byte]
  return hex
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  if (left.length !== right.length) return false
  let diff = 0
  for (let i = 0; i < left.length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0)
  return diff === 0
}
