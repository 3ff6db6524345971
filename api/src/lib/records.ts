/** Rows of the usage and ledger tables, and their wire forms (shared by /v1/usage, /v1/credits and the export). */
import type { LedgerEntry, UsageRecord } from '@alttextapi/core'
import { iso } from './users.js'

/** A row of `usage` as the routes select it. */
export interface UsageRow {
  id: string
  created_at: number
  endpoint: string
  model: string
  image_url: string | null
  alt_text: string | null
  language: string
  credits_used: number
  api_key_id: string | null
}

/** A usage row → the wire `UsageRecord`. */
export function usageJson(row: UsageRow): UsageRecord {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    endpoint: row.endpoint,
    model: row.model,
    imageUrl: row.image_url,
    altText: row.alt_text,
    language: row.language,
    creditsUsed: row.credits_used,
    apiKeyId: row.api_key_id,
  }
}

/** A row of `ledger` as the routes select it. */
export interface LedgerRow {
  id: string
  delta: number
  reason: LedgerEntry['reason']
  reference: string | null
  balance_after: number
  created_at: number
}

/** A ledger row → the wire `LedgerEntry`. */
export function ledgerJson(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    delta: row.delta,
    reason: row.reason,
    reference: row.reference,
    balanceAfter: row.balance_after,
    createdAt: iso(row.created_at),
  }
}
