/** Usage: a paged table of generations with totals for a period, and the credit ledger. */
import type { LedgerEntry, UsageRecord } from '@alttextapi/core'
import { api } from '../api.js'
import { h, replace } from '../dom.js'
import { credits, isoDay, time } from '../format.js'
import { errorMessage } from '../messages.js'
import type { Route } from '../router.js'
import { setBalance } from '../session.js'
import { inputField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { messageBox } from '../ui/status.js'
import { dataTable } from '../ui/table.js'

const PAGE_SIZE = 25
/** Totals read the whole period page by page; past this many records they say "at least". */
const TOTALS_MAX_PAGES = 20
const TOTALS_PAGE_SIZE = 100

const REASONS: Record<LedgerEntry['reason'], string> = {
  signup: 'Free credits at sign-up',
  generation: 'Alt text written',
  refund: 'Refund',
  purchase: 'Credit pack bought',
  adjustment: 'Adjustment',
}

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

/** The usage page. */
export const usage: Route = {
  title: 'Usage',
  access: 'user',
  async render() {
    const box = messageBox()
    const today = new Date()
    const monthAgo = new Date(today.getTime() - 29 * 86_400_000)
    const from = inputField({
      label: 'From',
      name: 'from',
      type: 'date',
      attrs: { value: isoDay(monthAgo), required: true },
    })
    const to = inputField({
      label: 'To (inclusive)',
      name: 'to',
      type: 'date',
      attrs: { value: isoDay(today), required: true },
    })
    const totals = h('p', { class: 'totals', role: 'status' })
    const tableArea = h('div')
    const pager = h('nav', { class: 'pager', 'aria-label': 'Usage pages' })
    const ledgerArea = h('div')
    const balance = h('p', { class: 'balance-big' })

    /** Cursors of the pages seen so far: index 0 is the first page (no cursor). */
    let cursors: (string | undefined)[] = [undefined]
    let page = 0
    let range: { from: string; to: string } = { from: '', to: '' }

    const periodRange = () => {
      const start = new Date(`${from.input.value}T00:00:00`)
      const end = new Date(`${to.input.value}T00:00:00`)
      end.setDate(end.getDate() + 1) // through the end of the "to" day (the API's `to` is inclusive)
      return { from: start.toISOString(), to: new Date(end.getTime() - 1).toISOString() }
    }

    const drawPage = async (focusTable = false) => {
      const result = await api.usage({ limit: PAGE_SIZE, cursor: cursors[page], ...range })
      cursors[page + 1] = result.nextCursor ?? undefined
      if (result.records.length === 0) {
        replace(
          tableArea,
          h(
            'p',
            null,
            page === 0 ? 'No images were described in this period.' : 'No more records.',
          ),
        )
      } else {
        replace(
          tableArea,
          dataTable(
            `Generations, page ${page + 1}`,
            ['Date', 'Model', 'Language', 'Image URL', 'Alt text', 'Credits'],
            result.records.map(usageRow),
          ),
        )
      }
      const prev = h(
        'button',
        { type: 'button', class: 'button button-secondary', disabled: page === 0 },
        'Previous page',
      )
      const next = h(
        'button',
        { type: 'button', class: 'button button-secondary', disabled: !result.nextCursor },
        'Next page',
      )
      prev.addEventListener('click', () => {
        page = Math.max(0, page - 1)
        void drawPage(true).catch((error) => box.error(errorMessage(error)))
      })
      next.addEventListener('click', () => {
        page += 1
        void drawPage(true).catch((error) => box.error(errorMessage(error)))
      })
      // One page only: no pager at all rather than two buttons that do nothing.
      pager.hidden = page === 0 && !result.nextCursor
      replace(pager, prev, h('span', { class: 'page-no' }, `Page ${page + 1}`), next)
      if (focusTable) tableArea.querySelector<HTMLElement>('.table-wrap')?.focus()
    }

    const drawTotals = async () => {
      totals.textContent = 'Adding up the period…'
      let images = 0
      let spent = 0
      let cursor: string | undefined
      let pages = 0
      do {
        const result = await api.usage({ limit: TOTALS_PAGE_SIZE, cursor, ...range })
        images += result.records.length
        spent += result.records.reduce((sum, r) => sum + r.creditsUsed, 0)
        cursor = result.nextCursor ?? undefined
        pages += 1
      } while (cursor && pages < TOTALS_MAX_PAGES)
      const atLeast = cursor ? 'at least ' : ''
      totals.textContent = `${from.input.value} to ${to.input.value}: ${atLeast}${images.toLocaleString()} ${images === 1 ? 'image' : 'images'}, ${atLeast}${credits(spent)} used.`
    }

    const drawLedger = async () => {
      const result = await api.credits()
      setBalance(result.balance)
      balance.textContent = `Balance: ${credits(result.balance)}`
      replace(
        ledgerArea,
        result.ledger.length === 0
          ? h('p', null, 'No changes yet.')
          : dataTable(
              'Credit ledger, newest first',
              ['Date', 'What', 'Change', 'Balance after', 'Reference'],
              result.ledger.map((entry) => [
                time(entry.createdAt),
                REASONS[entry.reason] ?? entry.reason,
                h(
                  'span',
                  { class: 'num' },
                  entry.delta > 0 ? `+${entry.delta}` : String(entry.delta),
                ),
                h('span', { class: 'num' }, String(entry.balanceAfter)),
                entry.reference ? h('code', null, entry.reference) : '',
              ]),
            ),
      )
    }

    const load = async (focusTable = false) => {
      if (!from.input.value || !to.input.value || from.input.value > to.input.value) {
        from.setError('Choose a start date on or before the end date.')
        from.input.focus()
        return
      }
      from.setError(null)
      range = periodRange()
      cursors = [undefined]
      page = 0
      await Promise.all([drawPage(focusTable), drawTotals()])
    }

    const form = h(
      'form',
      { class: 'card period', 'aria-labelledby': 'period-title' },
      h('h2', { id: 'period-title' }, 'Period'),
      h(
        'div',
        { class: 'grid-3' },
        from.wrap,
        to.wrap,
        h(
          'div',
          { class: 'field field-button' },
          h('button', { type: 'submit', class: 'button' }, 'Show'),
        ),
      ),
    )
    onSubmit(form, box, () => load(true))

    await Promise.all([
      load().catch((error) => box.error(errorMessage(error))),
      drawLedger().catch((error) => box.error(errorMessage(error))),
    ])
    return h(
      'div',
      null,
      h('h1', null, 'Usage'),
      h(
        'p',
        { class: 'lead' },
        'Every image described with your keys or on the Try it page. Images you uploaded have no URL; with history turned off (Account page) the alt text and URL are not kept.',
      ),
      box.el,
      form,
      h(
        'section',
        { 'aria-labelledby': 'gen-title' },
        h('h2', { id: 'gen-title' }, 'Generations'),
        totals,
        tableArea,
        pager,
      ),
      h(
        'section',
        { 'aria-labelledby': 'credits-title' },
        h('h2', { id: 'credits-title' }, 'Credits'),
        balance,
        ledgerArea,
      ),
    )
  },
}
