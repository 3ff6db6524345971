/**
 * Hook shared by the inspector button and the document panel: generates alt text for one image
 * block and writes it into the block, reporting errors as editor notices (never throwing).
 */
import { store as blockEditorStore } from '@wordpress/block-editor'
import { useDispatch, useSelect } from '@wordpress/data'
import { store as editorStore } from '@wordpress/editor'
import { useCallback } from '@wordpress/element'
import { __ } from '@wordpress/i18n'
import { errorMessage, isFatal, requestAltText } from './api'
import { contextParts } from './context'
import { altAttributes } from './image-blocks'

/** @returns {(image: {clientId: string, name: string, attachmentId: number, url: string}) => Promise<{ok: boolean, code?: string, fatal?: boolean}>} */
export function useGenerate() {
  const { postId, title } = useSelect((select) => {
    const editor = select(editorStore)
    return { postId: editor.getCurrentPostId(), title: editor.getEditedPostAttribute('title') }
  }, [])
  const { updateBlockAttributes } = useDispatch(blockEditorStore)
  // @wordpress/notices is not a dependency (only its store is used, by name): typed here.
  /** @type {{createErrorNotice: (message: string, options: Record<string, unknown>) => void}} */
  const { createErrorNotice } = useDispatch('core/notices')
  const getBlocks = useSelect((select) => select(blockEditorStore).getBlocks, [])

  return useCallback(
    async (image) => {
      try {
        const context = contextParts({ title, blocks: getBlocks(), clientId: image.clientId })
        const result = await requestAltText({
          attachmentId: image.attachmentId,
          url: image.url,
          postId: typeof postId === 'number' ? postId : 0,
          context,
        })
        updateBlockAttributes(image.clientId, altAttributes(image.name, result.altText))
        return { ok: true }
      } catch (error) {
        createErrorNotice(errorMessage(error), {
          id: 'alttextapi-error',
          type: 'snackbar',
          explicitDismiss: false,
        })
        const code = error instanceof Object && 'code' in error ? String(error.code) : undefined
        return { ok: false, code, fatal: isFatal(error) }
      }
    },
    [postId, title, getBlocks, updateBlockAttributes, createErrorNotice],
  )
}

export const LABEL_GENERATE = () => __('Generate alt text', 'alttextapi')
