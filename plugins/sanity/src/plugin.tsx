/** The plugin: `altTextApi({...})` in `sanity.config.ts`. */
import { ImageIcon, TaskIcon } from '@sanity/icons'
import { definePlugin } from 'sanity'
import { type AltTextPluginConfig, resolvePluginConfig } from './config.js'
import { createAltTextTool } from './studio/AltTextTool.js'
import { createGenerateMissingAltAction } from './studio/GenerateMissingAltAction.js'
import { createImageAltInput } from './studio/ImageAltInput.js'
import { createReviewTool } from './studio/ReviewTool.js'

/**
 * Adds "Generate alt text" to image fields with an alt subfield, the document action
 * "Generate missing alt text", the "Alt text" tool for the asset library and the "Alt text review"
 * tool for machine text nobody has reviewed.
 */
export const altTextApi = definePlugin<AltTextPluginConfig | undefined>((options) => {
  const config = resolvePluginConfig(options)
  const action = createGenerateMissingAltAction(config)
  const AltTextTool = createAltTextTool(config)
  const ReviewTool = createReviewTool(config)
  return {
    name: '@alttextapi/sanity-plugin',
    document: config.documentAction ? { actions: (prev) => [...prev, action] } : undefined,
    form: config.imageInput ? { components: { input: createImageAltInput(config) } } : undefined,
    tools: (prev) => [
      ...prev,
      ...(config.tool
        ? [{ name: 'alt-text', title: 'Alt text', icon: ImageIcon, component: AltTextTool }]
        : []),
      ...(config.reviewTool
        ? [
            {
              name: 'alt-text-review',
              title: 'Alt text review',
              icon: TaskIcon,
              component: ReviewTool,
            },
          ]
        : []),
    ],
  }
})
