/**
 * Usage rows of the hot path, written shortly after the answer rather than before it. A row waits
 * in this isolate's buffer until the next charge batch carries it (under load, the usage write
 * then costs no round trip of its own) or, at the latest, until USAGE_FLUSH_MS after its answer,
 * when the request that queued it writes whatever is still waiting (that request's `waitUntil`
 * keeps the isolate alive until then). Reading usage, exporting or erasing an account writes the
 * waiting rows first, so this isolate's own reads are never behind.
 *
 * Only the usage record waits, never money: the charge and its ledger row (whose reference is the
 * row's id) are written before the model is asked. Should a write fail twice, the row is dropped
 * and `usage_not_recorded` logged; the charge stands.
 */
import type { Caller } from './generate.js'
import { usageStatement } from './generate.js'

/** One usage row, as data: statements are prepared by the request that writes them. */
export interface PendingUsage {
  caller: Caller
  request: { endpoint: string; imageUrl: string | null; language: string }
  result: { altText: string; model: string }
  price: number
  id: string
  at: number
  attempts: number
}

/** Rows carried by one batch at most (D1 batches stay small). */
const CARRY_MAX = 25
/** Beyond this many waiting rows, the next request writes them at once. */
const PENDING_MAX = 200

const pending: PendingUsage[] = []

/** The statement that writes a waiting row. */
export function pendingStatement(db: D1Database, row: PendingUsage): D1PreparedStatement {
  return usageStatement(db, row.caller, row.request, row.result, row.price, row.id, row.at)
}

/** Queues a row; true when the buffer is full and should be written now. */
export function queueUsage(row: Omit<PendingUsage, 'attempts'>): boolean {
  pending.push({ ...row, attempts: 0 })
  return pending.length >= PENDING_MAX
}

/** Takes up to `max` waiting rows, oldest first, for a batch to carry. */
export function takeUsage(max = CARRY_MAX): PendingUsage[] {
  return pending.splice(0, max)
}

/** Puts back rows whose batch failed (each is tried twice at most). */
export function returnUsage(rows: PendingUsage[]): void {
  const again = rows.filter((row) => ++row.attempts < 2)
  for (const row of rows) if (row.attempts >= 2) log(row.id, 'gave up')
  pending.unshift(...again)
}

/** Writes every waiting row now. */
export async function flushUsage(db: D1Database): Promise<void> {
  for (;;) {
    const rows = takeUsage(CARRY_MAX * 4)
    if (rows.length === 0) return
    try {
      await db.batch(rows.map((row) => pendingStatement(db, row)))
    } catch (error) {
      returnUsage(rows)
      log(rows[0]?.id ?? '', errorName(error))
      return
    }
  }
}

/** Writes the waiting rows after `delayMs` (0: as the answer leaves), kept alive by `waitUntil`. */
export function flushSoon(
  ctx: { waitUntil(promise: Promise<unknown>): void } | undefined,
  db: D1Database,
  delayMs: number,
): void {
  const work = (
    delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve()
  ).then(() => flushUsage(db))
  try {
    ctx?.waitUntil(work)
  } catch {
    // No execution context (some test harnesses): the write still runs, unwatched.
  }
}

function errorName(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown }
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'error'
}

function log(id: string, reason: string) {
  // Metadata only: the usage id, never alt text or keys.
  console.warn(
    JSON.stringify({ level: 'warn', area: 'usage', event: 'usage_not_recorded', id, reason }),
  )
}
