/** The credit balance and ledger. */
import type { LedgerEntry } from '@alttextapi/core'
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { credits, time } from '../../format.js'
import { setBalance } from '../../session.js'
import { dataTable } from '../../ui/table.js'

const REASONS: Record<LedgerEntry['reason'], string> = {
  signup: 'Free credits at sign-up',
  generation: 'Alt text written',
  refund: 'Refund',
  purchase: 'Credit pack bought',
  adjustment: 'Adjustment',
}

function ledgerRow(entry: LedgerEntry) {
  return [
    time(entry.createdAt),
    REASONS[entry.reason] ?? entry.reason,
    h('span', { class: 'num' }, entry.delta > 0 ? `+${entry.delta}` : String(entry.delta)),
    h('span', { class: 'num' }, String(entry.balanceAfter)),
    entry.reference ? h('code', null, entry.reference) : '',
  ]
}

/** The "Credits" section, and `load` that fills it. */
export function ledgerSection(): { section: HTMLElement; load(): Promise<void> } {
  const balance = h('p', { class: 'balance-big' })
  const area = h('div')
  const section = h(
    'section',
    { 'aria-labelledby': 'credits-title' },
    h('h2', { id: 'credits-title' }, 'Credits'),
    balance,
    area,
  )
  const load = async () => {
    const result = await api.credits()
    setBalance(result.balance)
    balance.textContent = `Balance: ${credits(result.balance)}`
    replace(
      area,
      result.ledger.length === 0
        ? h('p', null, 'No changes yet.')
        : dataTable(
            'Credit ledger, newest first',
            ['Date', 'What', 'Change', 'Balance after', 'Reference'],
            result.ledger.map(ledgerRow),
          ),
    )
  }
  return { section, load }
}
