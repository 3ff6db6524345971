/** Display formats: dates, credits, prices. */

/** A `<time>` element for an ISO date (or epoch ms), in the reader's locale. */
export function time(
  value: string | number | null | undefined,
  withTime = true,
): HTMLElement | Text {
  if (value === null || value === undefined || value === '') return document.createTextNode('Never')
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return document.createTextNode(String(value))
  const el = document.createElement('time')
  el.dateTime = date.toISOString()
  el.textContent = withTime
    ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : date.toLocaleDateString(undefined, { dateStyle: 'medium' })
  return el
}

/** "1 credit", "12 credits". */
export function credits(n: number): string {
  return `${n.toLocaleString()} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`
}

/** A price in the smallest currency unit, e.g. (500, 'usd') → "$5.00". */
export function money(amount: number, currency: string, extraDigits = 0): string {
  try {
    const base = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
    })
    const digits = base.resolvedOptions().maximumFractionDigits ?? 2
    const format = extraDigits
      ? new Intl.NumberFormat(undefined, {
          style: 'currency',
          currency: currency.toUpperCase(),
          minimumFractionDigits: digits,
          maximumFractionDigits: digits + extraDigits,
        })
      : base
    return format.format(amount / 10 ** digits)
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`
  }
}

/** The `YYYY-MM-DD` of a date in local time (the value format of `<input type="date">`). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
