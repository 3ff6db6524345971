/** Erasure: deleting the account, confirmed by typing the email address and the password. */
import type { User } from '@alttextapi/core'
import { api } from '../../api.js'
import { h } from '../../dom.js'
import { navigate } from '../../router.js'
import { setUser } from '../../session.js'
import { store } from '../../store.js'
import { inputField } from '../../ui/field.js'
import { onSubmit } from '../../ui/form.js'
import { messageBox } from '../../ui/status.js'

/** The "Delete my account" form. */
export function deleteForm(user: User): HTMLFormElement {
  const box = messageBox()
  const typed = inputField({
    label: 'Type your email address to confirm',
    name: 'confirmEmail',
    type: 'email',
    hint: user.email,
    attrs: { autocomplete: 'off', spellcheck: 'false' },
  })
  const password = inputField({
    label: 'Password',
    name: 'deletePassword',
    type: 'password',
    attrs: { autocomplete: 'current-password' },
  })
  const form = h(
    'form',
    { class: 'card danger-zone', 'aria-labelledby': 'delete-title' },
    h('h2', { id: 'delete-title' }, 'Delete my account'),
    h(
      'p',
      null,
      'This deletes your account, API keys and sessions at once and cannot be undone. Unused credits are lost. Billing law makes us keep usage and payment records for up to 7 years: they are kept without your email, name, image URLs or alt text.',
    ),
    box.el,
    typed.wrap,
    password.wrap,
    h('button', { type: 'submit', class: 'button button-danger' }, 'Delete my account permanently'),
  )
  onSubmit(form, box, async () => {
    const matches = typed.input.value.trim().toLowerCase() === user.email.toLowerCase()
    typed.setError(matches ? null : `Type ${user.email} exactly to confirm.`)
    password.setError(password.input.value ? null : 'Enter your password.')
    if (!matches || !password.input.value) {
      ;(matches ? password : typed).input.focus()
      return
    }
    try {
      await api.deleteAccount(password.input.value)
    } catch (error) {
      if ((error as { code?: string }).code === 'forbidden') {
        password.setError('This is not your password.')
        password.input.focus()
      }
      throw error
    }
    store.clear()
    setUser(null)
    navigate('/', {
      flash: 'Your account was deleted, and this browser forgot your session and API key.',
      flashKind: 'success',
    })
  })
  return form
}
