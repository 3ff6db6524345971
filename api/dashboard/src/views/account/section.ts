/** A form section of the account page that PATCHes the account, guarded by the current password. */
import type { AccountUpdateRequest, User } from '@alttextapi/core'
import { api } from '../../api.js'
import { h } from '../../dom.js'
import { setUser } from '../../session.js'
import { type Field, inputField } from '../../ui/field.js'
import { onSubmit } from '../../ui/form.js'
import { messageBox } from '../../ui/status.js'

/** What one section shows and sends. */
export interface SectionOptions {
  /** Id of the heading (the form is labelled by it). */
  id: string
  title: string
  fields: HTMLElement[]
  /** Completes "Needed to …" under the current-password field. */
  purpose: string
  submitLabel: string
  /** The changes to send, or null when a field is wrong (it shows its own error). */
  build: () => Omit<AccountUpdateRequest, 'currentPassword'> | null
  /** The success message, from the updated account. */
  done: (user: User) => string
}

function currentPasswordField(purpose: string): Field<HTMLInputElement> {
  return inputField({
    label: 'Current password',
    name: 'currentPassword',
    type: 'password',
    hint: `Needed to ${purpose}.`,
    attrs: { autocomplete: 'current-password', required: true },
  })
}

/** The section's form: its fields, the current password, and a submit button. */
export function accountSection(options: SectionOptions): HTMLFormElement {
  const box = messageBox()
  const current = currentPasswordField(options.purpose)
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': options.id },
    h('h2', { id: options.id }, options.title),
    box.el,
    ...options.fields,
    current.wrap,
    h('button', { type: 'submit', class: 'button' }, options.submitLabel),
  )
  onSubmit(form, box, async () => {
    const changes = options.build()
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
      box.success(options.done(user))
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
