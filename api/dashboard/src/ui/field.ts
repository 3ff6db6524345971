/** Labelled form fields with a hint and an error message wired through `aria-describedby`. */
import { h, uid } from '../dom.js'

/** A field plus the handles a form needs. */
export interface Field<T extends HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement> {
  wrap: HTMLElement
  input: T
  /** Shows (or with null clears) an error under the field and marks it invalid. */
  setError(message: string | null): void
}

interface FieldOptions {
  label: string
  name: string
  hint?: string
  attrs?: Record<string, string | number | boolean | undefined>
}

function wire<T extends HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
  input: T,
  options: FieldOptions,
  labelEl?: HTMLElement,
): Field<T> {
  const id = input.id || uid(`f-${options.name}`)
  input.id = id
  input.name = options.name
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const hint = options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null
  const error = h('p', { class: 'field-error', id: errorId, hidden: true })
  const describe = (withError: boolean) => {
    const ids = [hint ? hintId : null, withError ? errorId : null].filter(Boolean).join(' ')
    if (ids) input.setAttribute('aria-describedby', ids)
    else input.removeAttribute('aria-describedby')
  }
  describe(false)
  const label = labelEl ?? h('label', { for: id }, options.label)
  const wrap = h('div', { class: 'field' }, label, hint, input, error)
  return {
    wrap,
    input,
    setError(message) {
      error.textContent = message ?? ''
      error.hidden = !message
      if (message) input.setAttribute('aria-invalid', 'true')
      else input.removeAttribute('aria-invalid')
      describe(Boolean(message))
    },
  }
}

/** An `<input>` with its label. */
export function inputField(options: FieldOptions & { type?: string }): Field<HTMLInputElement> {
  const input = h('input', { type: options.type ?? 'text', ...options.attrs })
  return wire(input, options)
}

/** A `<textarea>` with its label. */
export function textareaField(options: FieldOptions): Field<HTMLTextAreaElement> {
  const input = h('textarea', { rows: 3, ...options.attrs })
  return wire(input, options)
}

/** A `<select>` with its label and options `[value, text]`. */
export function selectField(
  options: FieldOptions & { choices: [string, string][]; value?: string },
): Field<HTMLSelectElement> {
  const select = h(
    'select',
    { ...options.attrs },
    options.choices.map(([value, text]) =>
      h('option', { value, selected: value === options.value }, text),
    ),
  )
  return wire(select, options)
}

/** A checkbox with its label after it. */
export function checkboxField(
  options: FieldOptions & { checked: boolean },
): Field<HTMLInputElement> {
  const input = h('input', { type: 'checkbox', ...options.attrs })
  input.checked = options.checked
  input.id = uid(`f-${options.name}`)
  const label = h('label', { for: input.id, class: 'checkbox-label' }, options.label)
  const field = wire(input, options, label)
  // Checkbox first, label after: the usual reading order for a check box.
  field.wrap.classList.add('field-checkbox')
  field.wrap.replaceChildren(
    ...[input, label, ...Array.from(field.wrap.children).filter((c) => c !== input && c !== label)],
  )
  return field
}
