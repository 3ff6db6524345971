/** A freshly created API key, shown once: read-only, monospace, with a copy button. */
import { h } from '../dom.js'
import { copyButton } from './copy.js'

/** The labelled field holding `key` (the element with id `id` is the input). */
export function keyField(id: string, label: string, key: string): HTMLElement {
  const input = h('input', {
    type: 'text',
    readonly: true,
    class: 'mono key-value',
    id,
    spellcheck: 'false',
  })
  input.value = key
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'div',
      { class: 'inline' },
      input,
      copyButton(() => key, 'API key'),
    ),
  )
}
