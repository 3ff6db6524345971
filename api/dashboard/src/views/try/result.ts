/** The answer of one try-it call: the alt text, a copy button, and what it cost. */
import type { AltTextResponse, Model } from '@alttextapi/core'
import { h } from '../../dom.js'
import { credits } from '../../format.js'
import { copyButton } from '../../ui/copy.js'

const fact = (term: string, value: string, id?: string) =>
  h('div', null, h('dt', null, term), h('dd', id ? { id } : null, value))

/** The result block for `result`; `models` names the model. */
export function resultView(result: AltTextResponse, models: Model[]): HTMLElement {
  const modelName = models.find((m) => m.id === result.model)?.name ?? result.model
  // textContent only: model output is untrusted text and must never become markup.
  const text = h(
    'p',
    { class: 'alt-output', id: 'alt-output', lang: result.language },
    result.altText,
  )
  return h(
    'div',
    { class: 'result' },
    h('h3', null, 'Alt text'),
    text,
    h(
      'div',
      { class: 'actions' },
      copyButton(() => result.altText, 'alt text'),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Cost', credits(result.creditsUsed), 'result-cost'),
      fact('Balance left', credits(result.creditsRemaining), 'result-balance'),
      fact('Model', modelName),
      fact('Language', result.language),
      fact('Characters', String([...result.altText].length)),
    ),
  )
}
