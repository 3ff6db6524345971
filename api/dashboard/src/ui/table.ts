/** Data tables that scroll sideways on narrow screens and stay keyboard-reachable. */
import { type Child, h, uid } from '../dom.js'

/** A captioned table; the scroll wrapper is a named, focusable region so keyboards can scroll it. */
export function dataTable(
  caption: string,
  headers: string[],
  rows: Child[][],
  captionHidden = false,
): HTMLElement {
  const captionId = uid('caption')
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    h(
      'table',
      null,
      h('caption', { id: captionId, class: captionHidden ? 'visually-hidden' : null }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell) => h('td', null, cell)),
          ),
        ),
      ),
    ),
  )
}
