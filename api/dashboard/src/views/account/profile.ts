/** Rectification of the name and email address. */
import { isEmailAddress, LIMITS, type User } from '@alttextapi/core'
import { emailField } from '../../ui/account-fields.js'
import { inputField } from '../../ui/field.js'
import { accountSection } from './section.js'

/** The "Name and email" form. */
export function profileForm(user: User): HTMLFormElement {
  const name = inputField({
    label: 'Name',
    name: 'name',
    hint: 'Optional. Leave empty to remove it.',
    attrs: { autocomplete: 'name', maxlength: LIMITS.maxNameLength, value: user.name ?? '' },
  })
  const email = emailField(user.email)
  return accountSection({
    id: 'profile-title',
    title: 'Name and email',
    fields: [name.wrap, email.wrap],
    purpose: 'change your name or email',
    submitLabel: 'Save name and email',
    build: () => {
      const value = email.input.value.trim()
      const ok = isEmailAddress(value)
      email.setError(ok ? null : 'Enter an email address like name@example.com.')
      if (!ok) {
        email.input.focus()
        return null
      }
      return { name: name.input.value.trim() || null, email: value }
    },
    done: () => 'Saved your name and email.',
  })
}
