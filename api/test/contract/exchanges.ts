/**
 * The exchanges the API's integration tests make through `api()` (test/helpers.ts), recorded for
 * the contract test (test/node/contract.e2e.ts): request and answer, as the OpenAPI document must
 * describe them. Shared by the recorder (in workerd) and the collector (in Node).
 */

/** One request and its answer, bodies as text when they are JSON (else `null`). */
export interface Exchange {
  method: string
  /** Path and query, e.g. `/v1/usage?limit=5`. */
  url: string
  requestHeaders: Record<string, string>
  requestBody: string | null
  status: number
  responseHeaders: Record<string, string>
  responseBody: string | null
  /** The test file that made it (for messages). */
  file: string
}

/** Where the collector writes the exchanges of a run, one JSON object per line. */
export const EXCHANGES_FILE = new URL('../../test-results/exchanges.jsonl', import.meta.url)
