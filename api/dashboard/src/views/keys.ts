/** API keys: list, create (the key shown once), revoke with a confirmation. */
import { type ApiKey, type CreatedApiKey, type KeyScope, LIMITS } from '@alttextapi/core'
import { api } from '../api.js'
import { h, replace } from '../dom.js'
import { time } from '../format.js'
import { errorMessage } from '../messages.js'
import type { Route } from '../router.js'
import { store } from '../store.js'
import { confirmDialog } from '../ui/dialog.js'
import { inputField, selectField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { keyField } from '../ui/key-field.js'
import { announce, messageBox } from '../ui/status.js'
import { dataTable } from '../ui/table.js'

/** What each scope lets a key do, in the dashboard's words. */
const SCOPE_TEXT: Record<KeyScope, string> = {
  generate: 'Describe images',
  account: 'Describe images and read the account',
}

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
          ['Name', 'Starts with', 'Scope', 'Daily cap', 'Created', 'Last used', 'Actions'],
          list.map((key) => [
            key.name,
            h('code', null, `${key.prefix}…`),
            SCOPE_TEXT[key.scope],
            key.dailyCreditCap === null ? 'None' : `${key.dailyCreditCap} credits`,
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
    const createBox = messageBox()
    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'create-title' },
      h('h2', { id: 'create-title' }, 'Create a key'),
      createBox.el,
      name.wrap,
      scope.wrap,
      cap.wrap,
      h('button', { type: 'submit', class: 'button' }, 'Create key'),
    )
    onSubmit(form, createBox, async () => {
      const value = name.input.value.trim()
      name.setError(value ? null : 'Give the key a name.')
      const capText = cap.input.value.trim()
      const capValue = capText === '' ? null : Number(capText)
      const capOk =
        capValue === null ||
        (Number.isInteger(capValue) && capValue >= 1 && capValue <= LIMITS.maxDailyCreditCap)
      cap.setError(
        capOk
          ? null
          : `Enter a whole number from 1 to ${LIMITS.maxDailyCreditCap}, or leave it empty.`,
      )
      if (!value || !capOk) {
        ;(value ? cap.input : name.input).focus()
        return
      }
      const created = await api.createKey({
        name: value,
        scope: scope.input.value === 'account' ? 'account' : 'generate',
        dailyCreditCap: capValue,
      })
      name.input.value = ''
      cap.input.value = ''
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
