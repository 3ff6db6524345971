/** Account: rectification (name, email, password), objection (history), export, erasure. */
import { h } from '../dom.js'
import { credits, time } from '../format.js'
import type { Route } from '../router.js'
import { loadUser } from '../session.js'
import { deleteForm } from './account/delete.js'
import { exportSection } from './account/export.js'
import { historyForm } from './account/history.js'
import { passwordForm } from './account/password.js'
import { profileForm } from './account/profile.js'

/** The account page: a summary, then one section per right. */
export const account: Route = {
  title: 'Account',
  access: 'user',
  async render() {
    const user = await loadUser(true)
    if (!user) throw new Error('the account could not be loaded')
    return h(
      'div',
      null,
      h('h1', null, 'Account'),
      h(
        'dl',
        { class: 'facts account-facts card' },
        h('div', null, h('dt', null, 'Email'), h('dd', null, user.email)),
        h('div', null, h('dt', null, 'Balance'), h('dd', null, credits(user.credits))),
        h('div', null, h('dt', null, 'Member since'), h('dd', null, time(user.createdAt, false))),
      ),
      profileForm(user),
      passwordForm(),
      historyForm(user),
      exportSection(),
      deleteForm(user),
    )
  },
}
