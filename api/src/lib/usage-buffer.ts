/**
 * Usage rows of the hot path, written shortly after the answer rather than before it. A row waits
 * in this isolate's buffer until the next charge batch carries it (under load, the usage write
 * then costs no round trip of its own) or, at the latest, until USAGE_FLUSH_MS after its answer,
 * when the request that queued it writes it and any older row still waiting (that request's
 * `waitUntil` keeps the isolate alive until then). Reading usage, exporting or erasing an account
 * writes the waiting rows first, so this isolate's own reads are never behind.
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
  /** Queue order: a flush scheduled for one row writes it and older rows, never newer ones. */
  seq: number
}

/** Rows carried by one batch at most (D1 batches stay small). */
const CARRY_MAX = 25
/** Beyond this many waiting rows, the next request writes them at once. */
const PENDING_MAX = 200

const pending: PendingUsage[] = []
let lastSeq = 0

/** The statement that writes a waiting row. */
export function pendingStatement(db: D1Database, row: PendingUsage): D1PreparedStatement {
  return usageStatement(db, row.caller, row.request, row.result, row.price, row.id, row.at)
}

/**
 * Queues a row. Returns its place in the queue (for `flushSoon`) and whether the buffer is full
 * and should be written now.
 */
export function queueUsage(row: Omit<PendingUsage, 'attempts' | 'seq'>): {
  seq: number
  full: boolean
} {
  const seq = ++lastSeq
  pending.push({ ...row, attempts: 0, seq })
  return { seq, full: pending.length >= PENDING_MAX }
}

/** Takes up to `max` waiting rows queued no later than `upTo`, oldest first, for a batch. */
export function takeUsage(max = CARRY_MAX, upTo = Number.POSITIVE_INFINITY): PendingUsage[] {
  if (upTo === Number.POSITIVE_INFINITY) return pending.splice(0, max)
  const taken: PendingUsage[] = []
  for (let i = 0; i < pending.length && taken.length < max; ) {
    const row = pending[i] as PendingUsage
    if (row.seq <= upTo) {
      taken.push(row)
      pending.splice(i, 1)
    } else i++
  }
  return taken
}

/** Puts back rows whose batch failed (each is tried twice at most). */
export function returnUsage(rows: PendingUsage[]): void {
  const again = rows.filter((row) => ++row.attempts < 2)
  for (const row of rows) if (row.attempts >= 2) log(row.id, 'gave up')
  pending.unshift(...again)
}

/** Writes every waiting row now (or those queued no later than `upTo`). */
export async function flushUsage(db: D1Database, upTo = Number.POSITIVE_INFINITY): Promise<void> {
  for (;;) {
    const rows = takeUsage(CARRY_MAX * 4, upTo)
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

/**
 * Writes row `seq` and any older row still waiting after `delayMs` (0: as the answer leaves), kept
 * alive by `waitUntil`. Rows queued later are left for the next charge batch or their own flush:
 * under steady traffic every row rides on a charge, and this timer finds nothing to write.
 */
export function flushSoon(
  ctx: { waitUntil(promise: Promise<unknown>): void } | undefined,
  db: D1Database,
  delayMs: number,
  seq: number,
): void {
  const work = (
    delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve()
  ).then(() => flushUsage(db, seq))
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
