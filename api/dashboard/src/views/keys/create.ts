/** The form that creates a key, and the panel that shows the new key once. */
import { type CreatedApiKey, LIMITS } from '@alttextapi/core'
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { inputField, selectField } from '../../ui/field.js'
import { onSubmit } from '../../ui/form.js'
import { keyField } from '../../ui/key-field.js'
import { announce, messageBox } from '../../ui/status.js'
import { SCOPE_TEXT } from './list.js'

function createdPanel(key: CreatedApiKey): HTMLElement {
  return h(
    'section',
    { class: 'card highlight', 'aria-labelledby': 'created-title' },
    h('h2', { id: 'created-title', tabindex: -1 }, `New key “${key.name}”`),
    h(
      'p',
      null,
      'Copy the key now: it is shown only this once. We keep only a fingerprint of it and cannot show it again.',
    ),
    keyField('created-key', 'API key', key.key),
  )
}

/** The cap as typed: null when empty, else the number; `ok` when it is within the limits. */
function readCap(text: string): { value: number | null; ok: boolean } {
  const value = text === '' ? null : Number(text)
  const ok =
    value === null || (Number.isInteger(value) && value >= 1 && value <= LIMITS.maxDailyCreditCap)
  return { value, ok }
}

/**
 * The "Create a key" form and the area where the new key appears. `created` runs after a key was
 * made (the page refreshes its list); then the focus goes to the new key's panel.
 */
export function createKeyForm(created: () => Promise<void>): {
  form: HTMLElement
  createdArea: HTMLElement
} {
  const createdArea = h('div')
  const name = inputField({
    label: 'Key name',
    name: 'name',
    hint: 'Where you will use it, e.g. “Blog build” or “WordPress”.',
    attrs: { maxlength: LIMITS.maxNameLength, required: true, autocomplete: 'off' },
  })
  const scope = selectField({
    label: 'What the key may do',
    name: 'scope',
    hint: 'Plugins and builds only need “Describe images”: such a key cannot read your account or other keys’ usage.',
    choices: [
      ['generate', SCOPE_TEXT.generate],
      ['account', SCOPE_TEXT.account],
    ],
    value: 'generate',
  })
  const cap = inputField({
    label: 'Daily credit cap (optional)',
    name: 'dailyCreditCap',
    type: 'number',
    hint: 'Most credits the key may spend per day (UTC). Leave empty for no cap.',
    attrs: {
      min: 1,
      max: LIMITS.maxDailyCreditCap,
      step: 1,
      inputmode: 'numeric',
      autocomplete: 'off',
    },
  })
  const box = messageBox()
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, 'Create a key'),
    box.el,
    name.wrap,
    scope.wrap,
    cap.wrap,
    h('button', { type: 'submit', class: 'button' }, 'Create key'),
  )
  onSubmit(form, box, async () => {
    const value = name.input.value.trim()
    name.setError(value ? null : 'Give the key a name.')
    const capped = readCap(cap.input.value.trim())
    cap.setError(
      capped.ok
        ? null
        : `Enter a whole number from 1 to ${LIMITS.maxDailyCreditCap}, or leave it empty.`,
    )
    if (!value || !capped.ok) {
      ;(value ? cap.input : name.input).focus()
      return
    }
    const key = await api.createKey({
      name: value,
      scope: scope.input.value === 'account' ? 'account' : 'generate',
      dailyCreditCap: capped.value,
    })
    name.input.value = ''
    cap.input.value = ''
    replace(createdArea, createdPanel(key))
    announce(`Created the key “${key.name}”. Copy it now: it is shown only once.`)
    await created()
    document.getElementById('created-title')?.focus()
  })
  return { form, createdArea }
}
