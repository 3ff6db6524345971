/** API keys: list, create (the key shown once), revoke with a confirmation. */
import { type ApiKey, type CreatedApiKey, LIMITS } from '@alttextapi/core'
import { api } from '../api.js'
import { h, replace } from '../dom.js'
import { time } from '../format.js'
import { errorMessage } from '../messages.js'
import type { Route } from '../router.js'
import { store } from '../store.js'
import { confirmDialog } from '../ui/dialog.js'
import { inputField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { keyField } from '../ui/key-field.js'
import { announce, messageBox } from '../ui/status.js'
import { dataTable } from '../ui/table.js'

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

/** The API keys page. */
export const keys: Route = {
  title: 'API keys',
  access: 'user',
  async render() {
    const box = messageBox()
    const listArea = h('div', { class: 'key-list' })
    const createdArea = h('div')

    const drawList = (list: ApiKey[]) => {
      if (list.length === 0) {
        replace(listArea, h('p', null, 'You have no API keys. Create one below.'))
        return
      }
      replace(
        listArea,
        dataTable(
          'Your API keys',
          ['Name', 'Starts with', 'Created', 'Last used', 'Actions'],
          list.map((key) => [
            key.name,
            h('code', null, `${key.prefix}…`),
            time(key.createdAt),
            time(key.lastUsedAt),
            h(
              'button',
              {
                type: 'button',
                class: 'button button-small button-danger-outline',
                'aria-label': `Revoke key “${key.name}”`,
                onclick: () => void revoke(key),
              },
              'Revoke',
            ),
          ]),
          true,
        ),
      )
    }

    const refresh = async () => {
      try {
        drawList((await api.keys()).keys)
      } catch (error) {
        box.error(`The keys could not be loaded. ${errorMessage(error)}`)
      }
    }

    const revoke = async (key: ApiKey) => {
      const ok = await confirmDialog({
        title: `Revoke “${key.name}”?`,
        body: `Programs that use the key starting ${key.prefix} stop working at once. This cannot be undone.`,
        confirmLabel: 'Revoke key',
      })
      if (!ok) return
      box.clear()
      try {
        await api.revokeKey(key.id)
        if (store.apiKey?.startsWith(key.prefix)) store.apiKey = null
        box.success(`Revoked the key “${key.name}”.`)
        await refresh()
        document.getElementById('keys-title')?.focus()
      } catch (error) {
        box.error(errorMessage(error))
      }
    }

    const name = inputField({
      label: 'Key name',
      name: 'name',
      hint: 'Where you will use it, e.g. “Blog build” or “WordPress”.',
      attrs: { maxlength: LIMITS.maxNameLength, required: true, autocomplete: 'off' },
    })
    const createBox = messageBox()
    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'create-title' },
      h('h2', { id: 'create-title' }, 'Create a key'),
      createBox.el,
      name.wrap,
      h('button', { type: 'submit', class: 'button' }, 'Create key'),
    )
    onSubmit(form, createBox, async () => {
      const value = name.input.value.trim()
      name.setError(value ? null : 'Give the key a name.')
      if (!value) {
        name.input.focus()
        return
      }
      const created = await api.createKey(value)
      name.input.value = ''
      replace(createdArea, createdPanel(created))
      announce(`Created the key “${created.name}”. Copy it now: it is shown only once.`)
      await refresh()
      document.getElementById('created-title')?.focus()
    })

    await refresh()
    return h(
      'div',
      null,
      h('h1', { id: 'keys-title', tabindex: -1 }, 'API keys'),
      h(
        'p',
        { class: 'lead' },
        'Keys let your programs and plugins call the API. Give each place its own key, so you can revoke one without touching the others.',
      ),
      box.el,
      listArea,
      createdArea,
      form,
    )
  },
}
