/** Submit handling shared by the forms: one request at a time, errors shown and announced. */
import { errorMessage } from '../messages.js'
import type { MessageBox } from './status.js'

/**
 * Runs `action` on submit. While it runs the form is marked busy and further submits are ignored
 * (the button stays focusable: disabling it would drop keyboard focus to the page top).
 */
export function onSubmit(
  form: HTMLFormElement,
  box: MessageBox,
  action: () => Promise<void>,
  /** Advice per error code that fits this form better than the general one. */
  advice: Partial<Record<string, string>> = {},
): void {
  let running = false
  form.noValidate = true // our own messages replace the browser's bubbles, which vanish too fast
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (running) return
    running = true
    form.setAttribute('aria-busy', 'true')
    box.clear()
    try {
      await action()
    } catch (error) {
      box.error(errorMessage(error, advice))
    } finally {
      running = false
      form.removeAttribute('aria-busy')
    }
  })
}

/** Thrown by a form's own checks; its message is shown as is. */
export class FormProblem extends Error {}
