/** Sign up (the landing page), log in, and the one-time display of the first API key. */
import { type CreatedApiKey, isEmailAddress, LIMITS } from '@alttextapi/core'
import { api } from '../api.js'
import { h } from '../dom.js'
import { HOME, link, navigate, type Route, sameSitePath } from '../router.js'
import { setUser } from '../session.js'
import { store } from '../store.js'
import { emailField, newPasswordField } from '../ui/account-fields.js'
import { inputField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { keyField } from '../ui/key-field.js'
import { messageBox } from '../ui/status.js'

/** Held in memory only, between sign-up and the welcome page: the full key is shown once. */
let freshKey: CreatedApiKey | null = null

const MIN_PASSWORD = LIMITS.minPasswordLength

function checkEmail(value: string): string | null {
  if (!value) return 'Enter your email address.'
  if (!isEmailAddress(value)) return 'Enter an email address like name@example.com.'
  return null
}

/** The landing page: what the product does, and the sign-up form. */
export const landing: Route = {
  title: 'Alt text for your images',
  access: 'guest',
  render() {
    const box = messageBox()
    const name = inputField({
      label: 'Name (optional)',
      name: 'name',
      attrs: { autocomplete: 'name', maxlength: LIMITS.maxNameLength },
    })
    const email = emailField()
    const password = newPasswordField({
      label: 'Password',
      name: 'password',
      hint: `At least ${MIN_PASSWORD} characters.`,
      required: true,
    })
    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'signup-title' },
      h('h2', { id: 'signup-title' }, 'Create your account'),
      box.el,
      name.wrap,
      email.wrap,
      password.wrap,
      h('button', { type: 'submit', class: 'button' }, 'Create account'),
      h('p', null, 'Already have an account? ', link('/login', 'Log in')),
    )
    onSubmit(form, box, async () => {
      const emailValue = email.input.value.trim()
      const emailProblem = checkEmail(emailValue)
      const passwordProblem =
        password.input.value.length < MIN_PASSWORD
          ? `Choose a password of at least ${MIN_PASSWORD} characters.`
          : null
      email.setError(emailProblem)
      password.setError(passwordProblem)
      if (emailProblem || passwordProblem) {
        box.error('Please correct the fields marked below.')
        ;(emailProblem ? email : password).input.focus()
        return
      }
      const nameValue = name.input.value.trim()
      const result = await api.signup({
        email: emailValue,
        password: password.input.value,
        ...(nameValue ? { name: nameValue } : {}),
      })
      store.session = result.token
      store.apiKey = result.apiKey.key
      freshKey = result.apiKey
      setUser(result.user)
      navigate('/app/welcome')
    })
    return h(
      'div',
      { class: 'landing' },
      h(
        'section',
        { class: 'hero', 'aria-labelledby': 'hero-title' },
        h('h1', { id: 'hero-title' }, 'Alt text for every image, written by vision models'),
        h(
          'p',
          { class: 'lead' },
          'Send an image, get back short, plain alt text in the language of your page. Use the API directly, or let the build, WordPress and Sanity plugins fill in missing alt text for you.',
        ),
        h(
          'ul',
          { class: 'points' },
          h(
            'li',
            null,
            'Free credits to start; each image costs a few credits, and a failed one costs nothing.',
          ),
          h(
            'li',
            null,
            'Images are never stored: they are held in memory while the model reads them.',
          ),
          h(
            'li',
            null,
            'No cookies, no tracking. ',
            link('/privacy', 'Read the privacy policy'),
            '.',
          ),
        ),
        h('p', null, h('a', { href: '/docs' }, 'Read the API documentation')),
      ),
      form,
    )
  },
}

/** The log-in page. `?next=` brings the user back to where they were sent from. */
export const login: Route = {
  title: 'Log in',
  access: 'guest',
  render({ query }) {
    const box = messageBox()
    const email = emailField(store.email ?? '')
    const password = inputField({
      label: 'Password',
      name: 'password',
      type: 'password',
      attrs: { autocomplete: 'current-password', required: true },
    })
    const form = h(
      'form',
      { class: 'card narrow', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, 'Log in'),
      box.el,
      email.wrap,
      password.wrap,
      h('button', { type: 'submit', class: 'button' }, 'Log in'),
      h('p', null, 'New here? ', link('/', 'Create an account')),
    )
    onSubmit(
      form,
      box,
      async () => {
        const emailValue = email.input.value.trim()
        const problem = checkEmail(emailValue)
        email.setError(problem)
        password.setError(password.input.value ? null : 'Enter your password.')
        if (problem || !password.input.value) {
          box.error('Please correct the fields marked below.')
          ;(problem ? email : password).input.focus()
          return
        }
        const result = await api.login({ email: emailValue, password: password.input.value })
        store.session = result.token
        setUser(result.user)
        // Only this site's paths: an open redirect would let a link send people elsewhere after
        // login.
        navigate(sameSitePath(query.get('next')) ?? HOME.user)
      },
      { unauthorized: 'Check the email address and the password, then try again.' },
    )
    return form
  },
}

/** Right after sign-up: the first API key, shown this once. */
export const welcome: Route = {
  title: 'Your API key',
  access: 'user',
  render() {
    const key = freshKey
    freshKey = null
    if (!key) {
      queueMicrotask(() => navigate(HOME.user, { replace: true }))
      return h('p', null, 'Loading…')
    }
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Your account is ready'),
      h(
        'p',
        null,
        'This is your first API key. It is shown only this once: copy it now and keep it somewhere safe, such as a password manager or the ALTTEXT_API_KEY setting of your project.',
      ),
      keyField('new-key', `API key “${key.name}”`, key.key),
      h(
        'p',
        { class: 'hint' },
        'This browser also keeps the key in its local storage so that the Try it page works. Logging out removes it.',
      ),
      h('p', null, link('/app/try', 'Continue to Try it', { class: 'button' })),
    )
  },
}
