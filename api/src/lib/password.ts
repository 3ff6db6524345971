/** Password hashing with bcrypt (bcryptjs: pure JS, runs in workerd). */
import bcrypt from 'bcryptjs'

/**
 * A bcrypt hash of a random string nobody knows. Logging in with an unknown email compares the
 * password against it, so the answer takes as long as for a known email with a wrong password.
 * The cost field is rewritten to the configured cost, which is what makes the timing alike.
 */
const DUMMY_HASH_TAIL = 'C6UzMDM.H6dfI/f/IKcEeO5vJSdUHoB1hGoqH6WXz1Vy2JGTnZmAS'

/** Hashes a password at `rounds` (BCRYPT_ROUNDS). Only at signup, login (rehash) and change. */
export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds)
}

/**
 * Checks a password against a stored hash, or against the dummy hash when there is no user, so
 * both cases cost one bcrypt comparison. bcrypt's own comparison does not leak timing.
 */
export async function verifyPassword(
  password: string,
  hash: string | null | undefined,
  rounds: number,
): Promise<boolean> {
  const target = hash ?? `$2b$${String(rounds).padStart(2, '0')}$${DUMMY_HASH_TAIL}`
  const ok = await bcrypt.compare(password, target)
  return ok && hash !== null && hash !== undefined
}

/** True when a stored hash was made at another cost than the configured one (rehash at login). */
export function needsRehash(hash: string, rounds: number): boolean {
  try {
    return bcrypt.getRounds(hash) !== rounds
  } catch {
    return true
  }
}
