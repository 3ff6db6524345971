/** Usage: a paged table of generations with totals for a period, and the credit ledger. */
import { h } from '../dom.js'
import { errorMessage } from '../messages.js'
import type { Route } from '../router.js'
import { onSubmit } from '../ui/form.js'
import { messageBox } from '../ui/status.js'
import { ledgerSection } from './usage/ledger.js'
import { periodForm } from './usage/period.js'
import { recordsView } from './usage/records.js'
import { showTotals } from './usage/totals.js'

/** The usage page. */
export const usage: Route = {
  title: 'Usage',
  access: 'user',
  async render() {
    const box = messageBox()
    const report = (error: unknown) => box.error(errorMessage(error))
    const period = periodForm()
    const records = recordsView(report)
    const totals = h('p', { class: 'totals', role: 'status' })
    const ledger = ledgerSection()

    const load = async (focusTable = false) => {
      const range = period.read()
      if (!range) return
      await Promise.all([
        records.show(range, focusTable),
        showTotals(totals, range, period.label()),
      ])
    }
    onSubmit(period.form, box, () => load(true))

    await Promise.all([load().catch(report), ledger.load().catch(report)])
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
      period.form,
      h(
        'section',
        { 'aria-labelledby': 'gen-title' },
        h('h2', { id: 'gen-title' }, 'Generations'),
        totals,
        records.table,
        records.pager,
      ),
      ledger.section,
    )
  },
}
