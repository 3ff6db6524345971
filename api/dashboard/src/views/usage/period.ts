/** The period form of the usage page: two dates, checked, turned into the API's `from`/`to`. */
import { h } from '../../dom.js'
import { isoDay } from '../../format.js'
import { inputField } from '../../ui/field.js'

/** An ISO period for `GET /v1/usage` (both ends inclusive). */
export interface Period {
  from: string
  to: string
}

/** The form, and its dates read as a period (null, with the error shown, when they are wrong). */
export interface PeriodForm {
  form: HTMLFormElement
  /** "2026-11-05 to 2026-12-04", for the totals line. */
  label(): string
  read(): Period | null
}

/** The period form, preset to the last 30 days. */
export function periodForm(): PeriodForm {
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
  return {
    form,
    label: () => `${from.input.value} to ${to.input.value}`,
    read() {
      if (!from.input.value || !to.input.value || from.input.value > to.input.value) {
        from.setError('Choose a start date on or before the end date.')
        from.input.focus()
        return null
      }
      from.setError(null)
      const start = new Date(`${from.input.value}T00:00:00`)
      const end = new Date(`${to.input.value}T00:00:00`)
      end.setDate(end.getDate() + 1) // through the end of the "to" day (the API's `to` is inclusive)
      return { from: start.toISOString(), to: new Date(end.getTime() - 1).toISOString() }
    },
  }
}
