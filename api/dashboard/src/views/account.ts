/** Account: rectification (name, email, password), objection (history), export, erasure. */
import type { AccountUpdateRequest, User } from '@alttextapi/core'
import { api } from '../api.js'
import { h } from '../dom.js'
import { credits, time } from '../format.js'
import { errorMessage } from '../messages.js'
import { navigate, type Route } from '../router.js'
import { loadUser, setUser } from '../session.js'
import { store } from '../store.js'
import { checkboxField, type Field, inputField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { messageBox } from '../ui/status.js'

const MIN_PASSWORD = 10

function currentPasswordField(purpose: string): Field<HTMLInputElement> {
  return inputField({
    label: 'Current password',
    name: 'currentPassword',
    type: 'password',
    hint: `Needed to ${purpose}.`,
    attrs: { autocomplete: 'current-password', required: true },
  })
}

/** A form section that PATCHes the account with the current password. */
function section(
  id: string,
  title: string,
  intro: string | null,
  fields: HTMLElement[],
  current: Field<HTMLInputElement>,
  submitLabel: string,
  build: () => Omit<AccountUpdateRequest, 'currentPassword'> | null,
  done: (user: User) => string,
): HTMLFormElement {
  const box = messageBox()
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    intro ? h('p', null, intro) : null,
    box.el,
    ...fields,
    current.wrap,
    h('button', { type: 'submit', class: 'button' }, submitLabel),
  )
  onSubmit(form, box, async () => {
    const changes = build()
    if (!changes) return
    current.setError(current.input.value ? null : 'Enter your current password.')
    if (!current.input.value) {
      current.input.focus()
      return
    }
    try {
      const user = await api.updateAccount({ ...changes, currentPassword: current.input.value })
      setUser(user)
      current.input.value = ''
      box.success(done(user))
    } catch (error) {
      if ((error as { code?: string }).code === 'forbidden') {
        current.setError('This is not your current password.')
        current.input.focus()
      }
      throw error
    }
  })
  return form
}

async function download(): Promise<void> {
  const data = await api.exportAccount()
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = h('a', {
    href: url,
    download: `alttextapi-export-${data.exportedAt.slice(0, 10)}.json`,
    class: 'offscreen',
  })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The account page. */
export const account: Route = {
  title: 'Account',
  access: 'user',
  async render() {
    const user = await loadUser(true)
    if (!user) throw new Error('the account could not be loaded')

    const name = inputField({
      label: 'Name',
      name: 'name',
      hint: 'Optional. Leave empty to remove it.',
      attrs: { autocomplete: 'name', maxlength: 100, value: user.name ?? '' },
    })
    const email = inputField({
      label: 'Email',
      name: 'email',
      type: 'email',
      attrs: { autocomplete: 'email', required: true, maxlength: 254, value: user.email },
    })
    const profile = section(
      'profile-title',
      'Name and email',
      null,
      [name.wrap, email.wrap],
      currentPasswordField('change your name or email'),
      'Save name and email',
      () => {
        const value = email.input.value.trim()
        const ok = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
        email.setError(ok ? null : 'Enter an email address like name@example.com.')
        if (!ok) {
          email.input.focus()
          return null
        }
        return { name: name.input.value.trim() || null, email: value }
      },
      () => 'Saved your name and email.',
    )

    const newPassword = inputField({
      label: 'New password',
      name: 'newPassword',
      type: 'password',
      hint: `At least ${MIN_PASSWORD} characters. Your other sessions are logged out.`,
      attrs: { autocomplete: 'new-password', minlength: MIN_PASSWORD, maxlength: 256 },
    })
    const confirmPassword = inputField({
      label: 'Repeat the new password',
      name: 'confirmPassword',
      type: 'password',
      attrs: { autocomplete: 'new-password' },
    })
    const passwordForm = section(
      'password-title',
      'Password',
      null,
      [newPassword.wrap, confirmPassword.wrap],
      currentPasswordField('set a new one'),
      'Change password',
      () => {
        const short = newPassword.input.value.length < MIN_PASSWORD
        const differs = newPassword.input.value !== confirmPassword.input.value
        newPassword.setError(short ? `Choose at least ${MIN_PASSWORD} characters.` : null)
        confirmPassword.setError(
          !short && differs ? 'The two new passwords are not the same.' : null,
        )
        if (short || differs) {
          ;(short ? newPassword : confirmPassword).input.focus()
          return null
        }
        return { newPassword: newPassword.input.value }
      },
      () => {
        newPassword.input.value = ''
        confirmPassword.input.value = ''
        return 'Changed your password. Other browsers and devices are logged out.'
      },
    )

    const history = checkboxField({
      label: 'Keep the history of image URLs and alt text',
      name: 'storeHistory',
      checked: user.storeHistory,
      hint: 'Turn it off to object to this storage: from then on each request keeps only what billing needs (date, key, endpoint, model, language, credits). Records already stored stay until you delete your account or they reach 7 years.',
    })
    const historyForm = section(
      'history-title',
      'Usage history',
      null,
      [history.wrap],
      currentPasswordField('change this setting'),
      'Save history setting',
      () => ({ storeHistory: history.input.checked }),
      (u) =>
        u.storeHistory
          ? 'History is on: image URLs and alt text are kept with your usage.'
          : 'History is off: image URLs and alt text of new requests are not kept.',
    )

    const exportBox = messageBox()
    const exportButton = h(
      'button',
      { type: 'button', class: 'button button-secondary' },
      'Download my data',
    )
    exportButton.addEventListener('click', async () => {
      exportBox.clear()
      try {
        await download()
        exportBox.success('Your data was downloaded as a JSON file.')
      } catch (error) {
        exportBox.error(errorMessage(error))
      }
    })

    const deleteBox = messageBox()
    const typed = inputField({
      label: 'Type your email address to confirm',
      name: 'confirmEmail',
      type: 'email',
      hint: user.email,
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    })
    const deletePassword = inputField({
      label: 'Password',
      name: 'deletePassword',
      type: 'password',
      attrs: { autocomplete: 'current-password' },
    })
    const deleteForm = h(
      'form',
      { class: 'card danger-zone', 'aria-labelledby': 'delete-title' },
      h('h2', { id: 'delete-title' }, 'Delete my account'),
      h(
        'p',
        null,
        'This deletes your account, API keys and sessions at once and cannot be undone. Unused credits are lost. Billing law makes us keep usage and payment records for up to 7 years: they are kept without your email, name, image URLs or alt text.',
      ),
      deleteBox.el,
      typed.wrap,
      deletePassword.wrap,
      h(
        'button',
        { type: 'submit', class: 'button button-danger' },
        'Delete my account permanently',
      ),
    )
    onSubmit(deleteForm, deleteBox, async () => {
      const matches = typed.input.value.trim().toLowerCase() === user.email.toLowerCase()
      typed.setError(matches ? null : `Type ${user.email} exactly to confirm.`)
      deletePassword.setError(deletePassword.input.value ? null : 'Enter your password.')
      if (!matches || !deletePassword.input.value) {
        ;(matches ? deletePassword : typed).input.focus()
        return
      }
      try {
        await api.deleteAccount(deletePassword.input.value)
      } catch (error) {
        if ((error as { code?: string }).code === 'forbidden') {
          deletePassword.setError('This is not your password.')
          deletePassword.input.focus()
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
      profile,
      passwordForm,
      historyForm,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'export-title' },
        h('h2', { id: 'export-title' }, 'Your data'),
        h(
          'p',
          null,
          'Download everything we store about you (account, API keys without their secrets, usage, credit ledger and purchases) as one JSON file.',
        ),
        exportBox.el,
        exportButton,
      ),
      deleteForm,
    )
  },
}
