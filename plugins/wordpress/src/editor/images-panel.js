/**
 * Document sidebar panel: lists the post's images without alt text and generates them all.
 */
import { store as blockEditorStore } from '@wordpress/block-editor'
import { useDispatch, useSelect } from '@wordpress/data'
import { PluginDocumentSettingPanel } from '@wordpress/editor'
import { useState } from '@wordpress/element'
import { __ } from '@wordpress/i18n'
import { registerPlugin } from '@wordpress/plugins'
import { findImagesWithoutAlt } from './image-blocks'
import { ImagesPanelView } from './images-panel-view'
import { runAll } from './run-all'
import { useGenerate } from './use-generate'

/** The "Alt text" panel of the document sidebar. */
function ImagesPanel() {
  const blocks = useSelect((select) => select(blockEditorStore).getBlocks(), [])
  const { selectBlock } = useDispatch(blockEditorStore)
  const generate = useGenerate()
  const [progress, setProgress] = useState(
    /** @type {{done: number, failed: number, total: number} | null} */ (null),
  )
  const [running, setRunning] = useState(false)
  const images = findImagesWithoutAlt(blocks)
  const configured = Boolean(window.alttextapiConfig?.configured)

  return (
    <PluginDocumentSettingPanel
      name="alttextapi-images"
      title={__('Alt text', 'alttextapi')}
      className="alttextapi-document-panel"
    >
      <ImagesPanelView
        images={images}
        progress={progress}
        running={running}
        configured={configured}
        onSelect={(clientId) => selectBlock(clientId)}
        onGenerateAll={async () => {
          setRunning(true)
          await runAll(images, generate, setProgress)
          setRunning(false)
        }}
      />
    </PluginDocumentSettingPanel>
  )
}

registerPlugin('alttextapi', { render: ImagesPanel })
