/** The table of the account's keys, each with a Revoke button behind a confirmation. */
import type { ApiKey, KeyScope } from '@alttextapi/core'
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { time } from '../../format.js'
import { errorMessage } from '../../messages.js'
import { store } from '../../store.js'
import { confirmDialog } from '../../ui/dialog.js'
import type { messageBox } from '../../ui/status.js'
import { dataTable } from '../../ui/table.js'

/** What each scope lets a key do, in the dashboard's words. */
export const SCOPE_TEXT: Record<KeyScope, string> = {
  generate: 'Describe images',
  account: 'Describe images and read the account',
}

/**
 * The key list, and `refresh` that loads it again. Errors and the result of a revocation go to
 * the page's `box`; after a revocation the focus goes back to the page's heading (`#keys-title`).
 */
export function keyList(box: ReturnType<typeof messageBox>): {
  area: HTMLElement
  refresh(): Promise<void>
} {
  const area = h('div', { class: 'key-list' })

  const draw = (list: ApiKey[]) => {
    if (list.length === 0) {
      replace(area, h('p', null, 'You have no API keys. Create one below.'))
      return
    }
    replace(
      area,
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
      draw((await api.keys()).keys)
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

  return { area, refresh }
}
