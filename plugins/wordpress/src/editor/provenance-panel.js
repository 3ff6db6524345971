/**
 * Provenance of an image block's attachment alt text in the block's AltText API panel: who wrote
 * it (machine, edited, human), the model and language, whether someone reviewed it, and an
 * Approve button for machine text nobody reviewed, and the model's decorative suggestion. Users who may not edit the attachment see
 * nothing (the route answers 403).
 */
import apiFetch from '@wordpress/api-fetch'
import { Button } from '@wordpress/components'
import { useEffect, useState } from '@wordpress/element'
import { __, sprintf } from '@wordpress/i18n'
import { errorMessage } from './api'

/**
 * What the plugin's provenance route answers.
 * @typedef {{
 *   altText: string,
 *   origin: 'none' | 'machine' | 'edited' | 'human',
 *   model: string,
 *   language: string,
 *   reviewed: boolean,
 *   reviewedBy: string,
 *   decorative?: boolean,
 *   kind?: string,
 * }} ProvenanceInfo
 */

/**
 * One line describing the provenance.
 * @param {ProvenanceInfo} info
 * @returns {string}
 */
export function describeProvenance(info) {
  if (info.origin === 'none')
    return __('The image has no alt text in the Media Library.', 'alttextapi')
  if (info.origin === 'human') return __('Alt text written by a person.', 'alttextapi')
  const by = [info.model, info.language].filter(Boolean).join(', ')
  if (info.origin === 'edited')
    return sprintf(
      /* translators: %s: model and language */
      __('Alt text written by AltText API (%s), then edited by a person.', 'alttextapi'),
      by,
    )
  return info.reviewed
    ? sprintf(
        /* translators: 1: model and language, 2: reviewer */
        __('Alt text written by AltText API (%1$s), approved by %2$s.', 'alttextapi'),
        by,
        info.reviewedBy,
      )
    : sprintf(
        /* translators: %s: model and language */
        __('Alt text written by AltText API (%s), not reviewed yet.', 'alttextapi'),
        by,
      )
}

/**
 * The model's judgement that the image is decorative, as a suggestion (it is never applied on its
 * own), or '' when there is none or a person already changed the text.
 * @param {ProvenanceInfo} info
 * @returns {string}
 */
export function decorativeSuggestion(info) {
  return info.origin === 'machine' && info.decorative
    ? __(
        'AltText API suggests this image is decorative (it carries no information): if so, give it an empty alt text instead.',
        'alttextapi',
      )
    : ''
}

/**
 * @param {{attachmentId: number, alt: string}} props alt: the block's alt, so a generation or an
 *   edit in the block reloads the provenance.
 */
export function ProvenancePanel({ attachmentId, alt }) {
  const [info, setInfo] = useState(/** @type {ProvenanceInfo | null} */ (null))
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)

  // alt is not read inside: it reloads the provenance after a generation or an edit.
  useEffect(() => {
    let live = true
    setInfo(null)
    if (!attachmentId) return undefined
    apiFetch({ path: `/alttextapi/v1/attachments/${attachmentId}/provenance` })
      .then((answer) => {
        if (live) setInfo(/** @type {ProvenanceInfo} */ (answer))
      })
      .catch(() => {
        // Not allowed to edit the attachment, or it is gone: nothing to show.
      })
    return () => {
      live = false
    }
  }, [attachmentId, alt])

  if (!info) return null
  return (
    <div className="alttextapi-provenance">
      <p>{describeProvenance(info)}</p>
      {decorativeSuggestion(info) && (
        <p className="alttextapi-decorative-suggestion">{decorativeSuggestion(info)}</p>
      )}
      {info.origin === 'machine' && !info.reviewed && (
        <Button
          variant="secondary"
          isBusy={busy}
          disabled={busy}
          accessibleWhenDisabled
          onClick={async () => {
            setBusy(true)
            try {
              const answer = await apiFetch({
                path: `/alttextapi/v1/attachments/${attachmentId}/approve`,
                method: 'POST',
                data: { altText: info.altText },
              })
              setInfo(/** @type {ProvenanceInfo} */ (answer))
              setMessage(__('Approved.', 'alttextapi'))
            } catch (error) {
              setMessage(errorMessage(error))
            }
            setBusy(false)
          }}
        >
          {__('Approve', 'alttextapi')}
        </Button>
      )}
      {message && <p role="status">{message}</p>}
    </div>
  )
}
