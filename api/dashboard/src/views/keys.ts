/** API keys: list, create (the key shown once), revoke with a confirmation. */
import { h } from '../dom.js'
import type { Route } from '../router.js'
import { messageBox } from '../ui/status.js'
import { createKeyForm } from './keys/create.js'
import { keyList } from './keys/list.js'

/** The API keys page. */
export const keys: Route = {
  title: 'API keys',
  access: 'user',
  async render() {
    const box = messageBox()
    const list = keyList(box)
    const create = createKeyForm(list.refresh)
    await list.refresh()
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
      list.area,
      create.createdArea,
      create.form,
    )
  },
}
