/** The try-it form: image source, language, model and context, and what happens on submit. */
import { LIMITS, type Model } from '@alttextapi/core'
import { api } from '../../api.js'
import { h, replace } from '../../dom.js'
import { credits } from '../../format.js'
import { errorMessage } from '../../messages.js'
import { link } from '../../router.js'
import { setBalance } from '../../session.js'
import { store } from '../../store.js'
import { selectField, textareaField } from '../../ui/field.js'
import { onSubmit } from '../../ui/form.js'
import type { MessageBox } from '../../ui/status.js'
import { LANGUAGES } from './languages.js'
import { buildRequest } from './request.js'
import { resultView } from './result.js'
import { imageSourceFields } from './source.js'

const resultHeading = () => h('h2', { id: 'result-title', tabindex: -1 }, 'Result')

/** The form (reporting into `box`) and the region its results appear in. */
export function tryForm(
  models: Model[],
  box: MessageBox,
): { form: HTMLElement; result: HTMLElement } {
  const source = imageSourceFields()
  const language = selectField({
    label: 'Language',
    name: 'language',
    choices: LANGUAGES,
    value: 'en',
  })
  const model = selectField({
    label: 'Model',
    name: 'model',
    choices: models.map((m) => [m.id, `${m.name} (${credits(m.credits)} per image)`]),
    value: models.find((m) => m.default)?.id ?? models[0]?.id ?? '',
  })
  const context = textareaField({
    label: 'Context (optional)',
    name: 'context',
    hint: 'The page title or nearby text helps the model say what matters.',
    attrs: { maxlength: LIMITS.maxContextLength },
  })
  const progress = h('p', { class: 'progress', role: 'status' })
  const result = h(
    'section',
    { class: 'card', 'aria-labelledby': 'result-title', hidden: true },
    resultHeading(),
  )
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'try-form-title' },
    h('h2', { id: 'try-form-title' }, 'Describe an image'),
    box.el,
    ...source.elements,
    h('div', { class: 'grid-2' }, language.wrap, model.wrap),
    context.wrap,
    h('button', { type: 'submit', class: 'button' }, 'Write alt text'),
    progress,
  )
  onSubmit(form, box, async () => {
    if (!store.apiKey) {
      box.error(
        'This browser has no API key yet. Create one or paste one in the “API key for this page” box above.',
      )
      return
    }
    const body = await buildRequest(source, {
      language: language.input.value,
      model: model.input.value,
      context: context.input.value,
    })
    if ('problem' in body) {
      box.error(body.problem)
      return
    }
    progress.textContent = 'Writing alt text…'
    try {
      const answer = await api.altText(body)
      setBalance(answer.creditsRemaining)
      source.preview.alt = answer.altText
      replace(result, resultHeading(), resultView(answer, models))
      result.hidden = false
      progress.textContent = `Alt text ready: ${answer.altText} (cost ${credits(answer.creditsUsed)}, ${credits(answer.creditsRemaining)} left)`
    } catch (error) {
      progress.textContent = ''
      if ((error as { code?: string }).code !== 'insufficient_credits') throw error
      box.error(errorMessage(error))
      form
        .querySelector('.messages [role="alert"]')
        ?.append(h('p', null, link('/app/billing', 'Buy credits now')))
    }
  })
  return { form, result }
}
