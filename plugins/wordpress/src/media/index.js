/**
 * Media library: the "Generate alt text" button in the attachment details (modal and edit screen)
 * and the list view's row action, without leaving the page; and the bulk notice's estimate.
 */
import apiFetch from '@wordpress/api-fetch'
import { __, _n, sprintf } from '@wordpress/i18n'

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
 * @param {HTMLElement} button the button, or the row action's link
 * @param {number} id
 * @param {Element | null | undefined} statusEl
 */
async function generate(button, id, statusEl) {
  if (button instanceof HTMLButtonElement) button.disabled = true
  else button.setAttribute('aria-disabled', 'true')
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
    if (statusEl)
      statusEl.textContent = ` ${sprintf(__('Alt text written: "%s"', 'alttextapi'), result.altText)}`
  } catch (error) {
    const message =
      error instanceof Object && 'message' in error && typeof error.message === 'string'
        ? error.message
        : __('Alt text could not be generated.', 'alttextapi')
    if (statusEl) statusEl.textContent = ` ${message}`
    else window.alert(message)
  } finally {
    if (button instanceof HTMLButtonElement) button.disabled = false
    else button.removeAttribute('aria-disabled')
  }
}

/**
 * The status line of a list view row action: after the row's actions, announced politely.
 * @param {HTMLElement} link
 */
function rowStatus(link) {
  const actions = link.closest('.row-actions') ?? link.parentElement
  let status = actions?.parentElement?.querySelector('.alttextapi-row-status')
  if (!status && actions) {
    status = document.createElement('p')
    status.className = 'alttextapi-row-status'
    status.setAttribute('role', 'status')
    actions.after(status)
  }
  return status
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
    return
  }
  // The list view's row action: its href is the no-JavaScript fallback (admin-post.php).
  const link = target?.closest('a.alttextapi-row-generate')
  if (link instanceof HTMLAnchorElement && link.getAttribute('aria-disabled') !== 'true') {
    event.preventDefault()
    generate(link, Number(link.dataset.id), rowStatus(link))
  } else if (link) event.preventDefault()
})

/**
 * Fills the bulk notice's estimate: images without alt text, the credits they need at most, and
 * the balance, before anyone starts the job.
 */
async function showEstimate() {
  const el = document.querySelector('.alttextapi-estimate')
  if (!el) return
  try {
    /** @type {{images: number, credits: number, balance: number, enough: boolean}} */
    const estimate = await apiFetch({ path: '/alttextapi/v1/bulk/estimate' })
    const parts = [
      sprintf(
        /* translators: %d: number of images */
        _n('%d image needs alt text', '%d images need alt text', estimate.images, 'alttextapi'),
        estimate.images,
      ),
      sprintf(
        /* translators: %d: number of credits */
        _n('up to %d credit', 'up to %d credits', estimate.credits, 'alttextapi'),
        estimate.credits,
      ),
      sprintf(
        /* translators: %d: number of credits */
        _n('balance %d credit', 'balance %d credits', estimate.balance, 'alttextapi'),
        estimate.balance,
      ),
    ]
    el.textContent = `${parts.join(' · ')}.${
      estimate.enough
        ? ''
        : ` ${__('Not enough credits: the job pauses when they run out, and goes on after you buy more.', 'alttextapi')}`
    }`
  } catch (error) {
    el.textContent =
      error instanceof Object && 'message' in error && typeof error.message === 'string'
        ? error.message
        : __('The estimate could not be read.', 'alttextapi')
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', showEstimate)
else showEstimate()

/**
 * The list view's filter menu gets the "Alt text to review" view too (its link works without
 * JavaScript), so "Filter" keeps the view instead of falling back to "All media items".
 */
function addReviewFilter() {
  const select = document.querySelector('select#attachment-filter')
  if (!(select instanceof HTMLSelectElement) || select.querySelector('[value="alttextapi_review"]'))
    return
  const option = document.createElement('option')
  option.value = 'alttextapi_review'
  option.textContent = __('Alt text to review', 'alttextapi')
  option.selected =
    new URLSearchParams(window.location.search).get('attachment-filter') === 'alttextapi_review'
  select.append(option)
}

if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', addReviewFilter)
else addReviewFilter()

/**
 * The grid view's filter menu (Backbone, media-views) gets "Alt text to review" too: its query
 * sends `alttextapi_review`, which the plugin's `ajax_query_attachments_args` filter turns into
 * the queue. Every other filter clears it.
 */
function addGridReviewFilter() {
  const All = window.wp?.media?.view?.AttachmentFilters?.All
  if (!All || All.prototype.alttextapiReview) return
  const createFilters = All.prototype.createFilters
  All.prototype.alttextapiReview = true
  /** @this {AltTextApiAllFilters} */
  All.prototype.createFilters = function createFiltersWithReview() {
    createFilters.call(this)
    for (const filter of Object.values(this.filters)) filter.props.alttextapi_review = null
    this.filters.alttextapi_review = {
      text: __('Alt text to review', 'alttextapi'),
      props: {
        alttextapi_review: 1,
        status: null,
        type: 'image',
        uploadedTo: null,
        author: null,
        orderby: 'date',
        order: 'DESC',
      },
      priority: 70,
    }
  }
}

addGridReviewFilter()
