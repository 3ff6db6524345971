/** "Try it": describe one image (upload or URL) with a chosen language and model. */
import type { Model } from '@alttextapi/core'
import { api } from '../api.js'
import { h } from '../dom.js'
import { errorMessage } from '../messages.js'
import type { Route } from '../router.js'
import { messageBox } from '../ui/status.js'
import { tryForm } from './try/form.js'
import { keyPanel } from './try/key-panel.js'

/** The try-it page. */
export const tryIt: Route = {
  title: 'Try it',
  access: 'user',
  async render() {
    let models: Model[] = []
    const box = messageBox()
    try {
      models = (await api.models()).models
    } catch (error) {
      box.error(`The model list could not be loaded. ${errorMessage(error)}`)
    }
    const { form, result } = tryForm(models, box)
    return h(
      'div',
      null,
      h('h1', null, 'Try it'),
      h(
        'p',
        { class: 'lead' },
        'Upload an image or give its address, choose a language and a model, and read the alt text the API writes. Each call is charged like an API call and shows up in Usage.',
      ),
      keyPanel(),
      form,
      result,
    )
  },
}
