/** The paged table of generations of a period. */
import type { UsageRecord } from '@alttextapi/core'
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { time } from '../../format.js'
import { dataTable } from '../../ui/table.js'
import type { Period } from './period.js'

const PAGE_SIZE = 25

const notStored = () => h('span', { class: 'muted' }, 'Not stored')

function usageRow(record: UsageRecord) {
  return [
    time(record.createdAt),
    record.model,
    record.language,
    record.imageUrl ? h('span', { class: 'url' }, record.imageUrl) : notStored(),
    // Model output: text only.
    record.altText !== null ? h('span', { lang: record.language }, record.altText) : notStored(),
    h('span', { class: 'num' }, String(record.creditsUsed)),
  ]
}

function pageTable(records: UsageRecord[], page: number): HTMLElement {
  if (records.length === 0) {
    return h(
      'p',
      null,
      page === 0 ? 'No images were described in this period.' : 'No more records.',
    )
  }
  return dataTable(
    `Generations, page ${page + 1}`,
    ['Date', 'Model', 'Language', 'Image URL', 'Alt text', 'Credits'],
    records.map(usageRow),
  )
}

/** The table area and its pager; `show` starts again at the first page of a period. */
export interface RecordsView {
  table: HTMLElement
  pager: HTMLElement
  show(period: Period, focusTable?: boolean): Promise<void>
}

/** The records view; `onError` reports a failed page turn. */
export function recordsView(onError: (error: unknown) => void): RecordsView {
  const table = h('div')
  const pager = h('nav', { class: 'pager', 'aria-label': 'Usage pages' })
  /** Cursors of the pages seen so far: index 0 is the first page (no cursor). */
  let cursors: (string | undefined)[] = [undefined]
  let page = 0
  let period: Period = { from: '', to: '' }

  const button = (label: string, disabled: boolean, to: () => number) => {
    const el = h('button', { type: 'button', class: 'button button-secondary', disabled }, label)
    el.addEventListener('click', () => {
      page = to()
      void draw(true).catch(onError)
    })
    return el
  }

  const draw = async (focusTable: boolean) => {
    const result = await api.usage({ limit: PAGE_SIZE, cursor: cursors[page], ...period })
    cursors[page + 1] = result.nextCursor ?? undefined
    replace(table, pageTable(result.records, page))
    const prev = button('Previous page', page === 0, () => Math.max(0, page - 1))
    const next = button('Next page', !result.nextCursor, () => page + 1)
    // One page only: no pager at all rather than two buttons that do nothing.
    pager.hidden = page === 0 && !result.nextCursor
    replace(pager, prev, h('span', { class: 'page-no' }, `Page ${page + 1}`), next)
    if (focusTable) table.querySelector<HTMLElement>('.table-wrap')?.focus()
  }

  return {
    table,
    pager,
    show(next, focusTable = false) {
      period = next
      cursors = [undefined]
      page = 0
      return draw(focusTable)
    },
  }
}
