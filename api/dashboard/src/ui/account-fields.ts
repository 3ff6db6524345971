/** The email and new-password fields of sign-up, log-in and the account page, with core's limits. */
import { LIMITS } from '@alttextapi/core'
import { type Field, inputField } from './field.js'

/** The email field; `value` prefills it. */
export function emailField(value = ''): Field<HTMLInputElement> {
  const field = inputField({
    label: 'Email',
    name: 'email',
    type: 'email',
    attrs: { autocomplete: 'email', required: true, maxlength: LIMITS.maxEmailLength },
  })
  field.input.value = value
  return field
}

/** A field for a new password (at least `LIMITS.minPasswordLength` characters). */
export function newPasswordField(options: {
  label: string
  name: string
  hint: string
  required?: boolean
}): Field<HTMLInputElement> {
  return inputField({
    label: options.label,
    name: options.name,
    type: 'password',
    hint: options.hint,
    attrs: {
      autocomplete: 'new-password',
      required: options.required ?? false,
      minlength: LIMITS.minPasswordLength,
      maxlength: LIMITS.maxPasswordLength,
    },
  })
}
