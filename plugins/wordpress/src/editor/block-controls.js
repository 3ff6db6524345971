/**
 * Adds a "Generate alt text" button and a "Decorative" toggle to the inspector of core/image,
 * core/media-text and core/cover blocks that show an image.
 */
import { InspectorControls } from '@wordpress/block-editor'
import { Button, PanelBody, ToggleControl } from '@wordpress/components'
import { createHigherOrderComponent } from '@wordpress/compose'
import { useState } from '@wordpress/element'
import { addFilter } from '@wordpress/hooks'
import { __ } from '@wordpress/i18n'
import { altAttributes, DECORATIVE_ATTRIBUTE, IMAGE_BLOCKS, imageOf } from './image-blocks'
import { ProvenancePanel } from './provenance-panel'
import { LABEL_GENERATE, useGenerate } from './use-generate'

/** @returns {AltTextApiConfig} */
const config = () =>
  window.alttextapiConfig ?? { configured: false, overwrite: 'never', settingsUrl: '' }

/** Registers the decorative attribute on the image blocks. */
addFilter('blocks.registerBlockType', 'alttextapi/decorative-attribute', (settings, name) => {
  if (!IMAGE_BLOCKS[name]) return settings
  return {
    ...settings,
    attributes: { ...settings.attributes, [DECORATIVE_ATTRIBUTE]: { type: 'boolean' } },
  }
})

/**
 * The AltText API panel of one image block's inspector.
 * @param {{
 *   block: import('./image-blocks').Block,
 *   setAttributes: (attributes: Record<string, unknown>) => void,
 * }} props
 */
function AltTextPanel({ block, setAttributes }) {
  const [busy, setBusy] = useState(false)
  const generate = useGenerate()
  const image = imageOf(block)
  if (!image) return null
  const { configured, overwrite, settingsUrl } = config()
  const hasAlt = image.alt !== ''
  const mayReplace = overwrite !== 'never'
  const disabled = busy || image.decorative || !configured || (hasAlt && !mayReplace)

  let help = ''
  if (!configured) help = __('Add an API key under Settings → AltText API first.', 'alttextapi')
  else if (image.decorative) help = __('Decorative images keep an empty alt text.', 'alttextapi')
  else if (hasAlt && !mayReplace)
    help = __('This image already has alt text; the overwrite policy keeps it.', 'alttextapi')

  return (
    <InspectorControls>
      <PanelBody title={__('AltText API', 'alttextapi')} initialOpen>
        <Button
          variant="secondary"
          className="alttextapi-generate"
          isBusy={busy}
          disabled={disabled}
          accessibleWhenDisabled
          onClick={async () => {
            setBusy(true)
            await generate(image)
            setBusy(false)
          }}
        >
          {busy ? __('Generating…', 'alttextapi') : LABEL_GENERATE()}
        </Button>
        {help && <p className="components-base-control__help">{help}</p>}
        {!configured && settingsUrl && (
          <p>
            <a href={settingsUrl}>{__('Open the settings', 'alttextapi')}</a>
          </p>
        )}
        {image.attachmentId > 0 && (
          <ProvenancePanel attachmentId={image.attachmentId} alt={image.alt} />
        )}
        <ToggleControl
          __nextHasNoMarginBottom
          label={__('Decorative image (no alt text)', 'alttextapi')}
          checked={image.decorative}
          onChange={(value) =>
            setAttributes({
              [DECORATIVE_ATTRIBUTE]: value || undefined,
              ...(value ? altAttributes(block.name, '') : {}),
            })
          }
        />
      </PanelBody>
    </InspectorControls>
  )
}

const withAltTextControls = createHigherOrderComponent(
  (BlockEdit) => (props) => (
    <>
      <BlockEdit {...props} />
      {props.isSelected && IMAGE_BLOCKS[props.name] && (
        <AltTextPanel
          block={{ name: props.name, clientId: props.clientId, attributes: props.attributes }}
          setAttributes={props.setAttributes}
        />
      )}
    </>
  ),
  'withAltTextControls',
)

addFilter('editor.BlockEdit', 'alttextapi/controls', withAltTextControls)
