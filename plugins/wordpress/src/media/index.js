/**
 * Media library: the "Generate alt text" button in the attachment details (modal and edit screen)
 * and the list view's row action, without leaving the page.
 */
import apiFetch from '@wordpress/api-fetch'
import { __ } from '@wordpress/i18n'

/**
 * The alt text field of the attachment being shown: in the media modal, the list view's quick
 * fields, or the attachment edit screen.
 * @param {ParentNode} container
 * @param {number} id
 * @returns {HTMLInputElement | HTMLTextAreaElement | null}
 */
function altField(container, id) {
  return (
    container.querySelector(
      `#attachment-details-two-column-alt-text, #attachment-details-alt-text, #attachments-${id}-alt`,
    ) ?? document.querySelector('#attachment_alt')
  )
}

/**
 * Describes one attachment through the plugin's REST route and fills its alt text field.
 * @param {HTMLButtonElement} button
 * @param {number} id
 * @param {Element | null | undefined} statusEl
 */
async function generate(button, id, statusEl) {
  button.disabled = true
  if (statusEl) statusEl.textContent = ` ${__('Generating…', 'alttextapi')}`
  try {
    /** @type {{altText: string}} */
    const result = await apiFetch({
      path: `/alttextapi/v1/attachments/${id}/generate`,
      method: 'POST',
    })
    const container =
      button.closest('.attachment-details, .compat-attachment-fields, form, tr') ?? document
    const field = altField(container, id)
    if (field) {
      field.value = result.altText
      // Lets the media modal's Backbone view save and refresh the field.
      field.dispatchEvent(new Event('change', { bubbles: true }))
    }
    if (statusEl) statusEl.textContent = ` ${__('Alt text written.', 'alttextapi')}`
  } catch (error) {
    const message =
      error instanceof Object && 'message' in error && typeof error.message === 'string'
        ? error.message
        : __('Alt text could not be generated.', 'alttextapi')
    if (statusEl) statusEl.textContent = ` ${message}`
    else window.alert(message)
  } finally {
    button.disabled = false
  }
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null
  const button = target?.closest('.alttextapi-generate-attachment')
  if (button instanceof HTMLButtonElement) {
    event.preventDefault()
    generate(
      button,
      Number(button.dataset.id),
      button.parentElement?.querySelector('.alttextapi-status'),
    )
  }
})
