/** The part of the try-it page that holds or obtains the API key the call needs. */
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { errorMessage } from '../../messages.js'
import { store } from '../../store.js'
import { inputField } from '../../ui/field.js'
import { onSubmit } from '../../ui/form.js'
import { announce, type MessageBox, messageBox } from '../../ui/status.js'

const heading = () => h('h2', { id: 'key-title' }, 'API key for this page')

/** The panel when this browser has a key: which one, and a button to forget it. */
function keyInUse(key: string, box: MessageBox, changed: () => void): HTMLElement[] {
  const forget = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    'Forget this key',
  )
  forget.addEventListener('click', () => {
    store.apiKey = null
    announce('This browser forgot the API key.')
    changed()
  })
  return [
    heading(),
    box.el,
    h(
      'p',
      null,
      'Using the key starting ',
      h('code', null, `${key.slice(0, 12)}…`),
      ', kept in this browser.',
    ),
    forget,
  ]
}

/** A form to paste a key saved elsewhere. */
function pasteForm(box: MessageBox, changed: () => void): HTMLFormElement {
  const pasted = inputField({
    label: 'Paste an API key',
    name: 'apiKey',
    hint: 'Starts with atk_. It stays in this browser only.',
    attrs: { autocomplete: 'off', spellcheck: 'false', class: 'mono' },
  })
  const form = h(
    'form',
    { class: 'inline-form' },
    pasted.wrap,
    h('button', { type: 'submit', class: 'button button-secondary' }, 'Use this key'),
  )
  onSubmit(form, box, async () => {
    const value = pasted.input.value.trim()
    if (!/^atk_\S{8,}$/.test(value)) {
      pasted.setError('An API key starts with atk_ followed by letters and digits.')
      pasted.input.focus()
      return
    }
    pasted.setError(null)
    store.apiKey = value
    announce('Saved the key in this browser.')
    changed()
  })
  return form
}

/** A button that creates a key for this browser. */
function createButton(box: MessageBox, changed: () => void): HTMLButtonElement {
  const create = h('button', { type: 'button', class: 'button' }, 'Create a key for this browser')
  create.addEventListener('click', async () => {
    box.clear()
    try {
      const created = await api.createKey({ name: 'Dashboard (this browser)', scope: 'generate' })
      store.apiKey = created.key
      announce(`Created the key “${created.name}” and saved it in this browser.`)
      changed()
    } catch (error) {
      box.error(errorMessage(error))
    }
  })
  return create
}

/** The panel when this browser has no key: create one, or paste one. */
function noKey(box: MessageBox, changed: () => void): HTMLElement[] {
  return [
    heading(),
    box.el,
    h(
      'p',
      null,
      'Trying the API needs an API key, and this browser has none (keys are shown only once, when created). Create one for this browser, or paste one you saved.',
    ),
    createButton(box, changed),
    pasteForm(box, changed),
  ]
}

/** The key panel; it redraws itself whenever the key changes. */
export function keyPanel(): HTMLElement {
  const panel = h('section', { class: 'card', 'aria-labelledby': 'key-title' })
  const draw = () => {
    const box = messageBox()
    const key = store.apiKey
    replace(panel, ...(key ? keyInUse(key, box, draw) : noKey(box, draw)))
  }
  draw()
  return panel
}
