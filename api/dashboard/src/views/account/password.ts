/** A new password (the API logs out the other sessions). */
import { LIMITS } from '@alttextapi/core'
import { newPasswordField } from '../../ui/account-fields.js'
import { inputField } from '../../ui/field.js'
import { accountSection } from './section.js'

const MIN = LIMITS.minPasswordLength

/** The "Password" form: the new password twice. */
export function passwordForm(): HTMLFormElement {
  const newPassword = newPasswordField({
    label: 'New password',
    name: 'newPassword',
    hint: `At least ${MIN} characters. Your other sessions are logged out.`,
  })
  const confirmPassword = inputField({
    label: 'Repeat the new password',
    name: 'confirmPassword',
    type: 'password',
    attrs: { autocomplete: 'new-password' },
  })
  return accountSection({
    id: 'password-title',
    title: 'Password',
    fields: [newPassword.wrap, confirmPassword.wrap],
    purpose: 'set a new one',
    submitLabel: 'Change password',
    build: () => {
      const short = newPassword.input.value.length < MIN
      const differs = newPassword.input.value !== confirmPassword.input.value
      newPassword.setError(short ? `Choose at least ${MIN} characters.` : null)
      confirmPassword.setError(!short && differs ? 'The two new passwords are not the same.' : null)
      if (short || differs) {
        ;(short ? newPassword : confirmPassword).input.focus()
        return null
      }
      return { newPassword: newPassword.input.value }
    },
    done: () => {
      newPassword.input.value = ''
      confirmPassword.input.value = ''
      return 'Changed your password. Other browsers and devices are logged out.'
    },
  })
}
