/** The totals line of a period: images described and credits used. */
import { LIMITS } from '@alttextapi/core'
import { api } from '../../api.js'
import { credits } from '../../format.js'
import type { Period } from './period.js'

/** Totals read the whole period page by page; past this many pages they say "at least". */
const TOTALS_MAX_PAGES = 20

/** Adds up `period` into `line` (labelled `label`). */
export async function showTotals(line: HTMLElement, period: Period, label: string): Promise<void> {
  line.textContent = 'Adding up the period…'
  let images = 0
  let spent = 0
  let cursor: string | undefined
  let pages = 0
  do {
    const result = await api.usage({ limit: LIMITS.maxUsagePageSize, cursor, ...period })
    images += result.records.length
    spent += result.records.reduce((sum, r) => sum + r.creditsUsed, 0)
    cursor = result.nextCursor ?? undefined
    pages += 1
  } while (cursor && pages < TOTALS_MAX_PAGES)
  const atLeast = cursor ? 'at least ' : ''
  line.textContent = `${label}: ${atLeast}${images.toLocaleString()} ${images === 1 ? 'image' : 'images'}, ${atLeast}${credits(spent)} used.`
}
