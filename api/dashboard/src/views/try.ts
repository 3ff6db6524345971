/** "Try it": describe one image (upload or URL) with a chosen language and model. */
import type { AltTextResponse, Model } from '@alttextapi/core'
import { api } from '../api.js'
import { h, replace } from '../dom.js'
import { credits } from '../format.js'
import { errorMessage } from '../messages.js'
import { link, type Route } from '../router.js'
import { setBalance } from '../session.js'
import { store } from '../store.js'
import { copyButton } from '../ui/copy.js'
import { inputField, selectField, textareaField } from '../ui/field.js'
import { onSubmit } from '../ui/form.js'
import { announce, messageBox } from '../ui/status.js'

/** The API's limit (LIMITS.maxImageBytes in core): checked here too, to save a useless upload. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']

/** Common BCP 47 tags; the API accepts any well-formed tag. */
const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['de', 'German (Deutsch)'],
  ['fr', 'French (Français)'],
  ['es', 'Spanish (Español)'],
  ['it', 'Italian (Italiano)'],
  ['pt-BR', 'Portuguese, Brazil (Português)'],
  ['nl', 'Dutch (Nederlands)'],
  ['pl', 'Polish (Polski)'],
  ['sv', 'Swedish (Svenska)'],
  ['da', 'Danish (Dansk)'],
  ['fi', 'Finnish (Suomi)'],
  ['cs', 'Czech (Čeština)'],
  ['tr', 'Turkish (Türkçe)'],
  ['uk', 'Ukrainian (Українська)'],
  ['ar', 'Arabic (العربية)'],
  ['hi', 'Hindi (हिन्दी)'],
  ['ja', 'Japanese (日本語)'],
  ['ko', 'Korean (한국어)'],
  ['zh-Hans', 'Chinese, Simplified (简体中文)'],
]

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(new Error('The file could not be read. Choose it again.'))
    reader.readAsDataURL(file)
  })
}

/** The part of the page that holds or obtains the API key the try-it call needs. */
function keyPanel(onChange: () => void): HTMLElement {
  const panel = h('section', { class: 'card', 'aria-labelledby': 'key-title' })
  const draw = () => {
    const box = messageBox()
    const key = store.apiKey
    if (key) {
      replace(
        panel,
        h('h2', { id: 'key-title' }, 'API key for this page'),
        box.el,
        h(
          'p',
          null,
          'Using the key starting ',
          h('code', null, `${key.slice(0, 12)}…`),
          ', kept in this browser.',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            onclick: () => {
              store.apiKey = null
              announce('This browser forgot the API key.')
              draw()
              onChange()
            },
          },
          'Forget this key',
        ),
      )
      return
    }
    const pasted = inputField({
      label: 'Paste an API key',
      name: 'apiKey',
      hint: 'Starts with atk_. It stays in this browser only.',
      attrs: { autocomplete: 'off', spellcheck: 'false', class: 'mono' },
    })
    const pasteForm = h(
      'form',
      { class: 'inline-form' },
      pasted.wrap,
      h('button', { type: 'submit', class: 'button button-secondary' }, 'Use this key'),
    )
    onSubmit(pasteForm, box, async () => {
      const value = pasted.input.value.trim()
      if (!/^atk_\S{8,}$/.test(value)) {
        pasted.setError('An API key starts with atk_ followed by letters and digits.')
        pasted.input.focus()
        return
      }
      pasted.setError(null)
      store.apiKey = value
      announce('Saved the key in this browser.')
      draw()
      onChange()
    })
    const create = h('button', { type: 'button', class: 'button' }, 'Create a key for this browser')
    create.addEventListener('click', async () => {
      box.clear()
      try {
        const created = await api.createKey('Dashboard (this browser)')
        store.apiKey = created.key
        announce(`Created the key “${created.name}” and saved it in this browser.`)
        draw()
        onChange()
      } catch (error) {
        box.error(errorMessage(error))
      }
    })
    replace(
      panel,
      h('h2', { id: 'key-title' }, 'API key for this page'),
      box.el,
      h(
        'p',
        null,
        'Trying the API needs an API key, and this browser has none (keys are shown only once, when created). Create one for this browser, or paste one you saved.',
      ),
      create,
      pasteForm,
    )
  }
  draw()
  return panel
}

function resultView(result: AltTextResponse, models: Model[]): HTMLElement {
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
      h(
        'div',
        null,
        h('dt', null, 'Cost'),
        h('dd', { id: 'result-cost' }, credits(result.creditsUsed)),
      ),
      h(
        'div',
        null,
        h('dt', null, 'Balance left'),
        h('dd', { id: 'result-balance' }, credits(result.creditsRemaining)),
      ),
      h('div', null, h('dt', null, 'Model'), h('dd', null, modelName)),
      h('div', null, h('dt', null, 'Language'), h('dd', null, result.language)),
      h(
        'div',
        null,
        h('dt', null, 'Characters'),
        h('dd', null, String([...result.altText].length)),
      ),
    ),
  )
}

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
    const sourceName = 'source'
    const fileRadio = h('input', {
      type: 'radio',
      name: sourceName,
      value: 'file',
      id: 'source-file',
      checked: true,
    })
    const urlRadio = h('input', { type: 'radio', name: sourceName, value: 'url', id: 'source-url' })
    const file = inputField({
      label: 'Image file',
      name: 'image',
      type: 'file',
      hint: 'JPEG, PNG, GIF or WebP, up to 10 MB. It is not stored.',
      attrs: { accept: IMAGE_TYPES.join(',') },
    })
    const url = inputField({
      label: 'Image URL',
      name: 'imageUrl',
      type: 'url',
      hint: 'A public http(s) address that points straight at the image.',
      attrs: {
        placeholder: 'https://example.com/photo.jpg',
        inputmode: 'url',
        autocomplete: 'url',
      },
    })
    url.wrap.hidden = true
    const preview = h('img', { class: 'preview', alt: '', hidden: true })
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
      attrs: { maxlength: 2000 },
    })
    const progress = h('p', { class: 'progress', role: 'status' })
    const resultRegion = h(
      'section',
      { class: 'card', 'aria-labelledby': 'result-title', hidden: true },
      h('h2', { id: 'result-title', tabindex: -1 }, 'Result'),
    )
    const submit = h('button', { type: 'submit', class: 'button' }, 'Write alt text')

    const showSource = () => {
      const useUrl = urlRadio.checked
      url.wrap.hidden = !useUrl
      file.wrap.hidden = useUrl
      preview.hidden = useUrl || !preview.src
    }
    fileRadio.addEventListener('change', showSource)
    urlRadio.addEventListener('change', showSource)
    let previewUrl: string | null = null
    file.input.addEventListener('change', () => {
      if (previewUrl) URL.revokeObjectURL(previewUrl)
      const chosen = file.input.files?.[0]
      previewUrl = chosen && IMAGE_TYPES.includes(chosen.type) ? URL.createObjectURL(chosen) : null
      if (previewUrl) preview.src = previewUrl
      else preview.removeAttribute('src')
      preview.alt = ''
      showSource()
    })

    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'try-form-title' },
      h('h2', { id: 'try-form-title' }, 'Describe an image'),
      box.el,
      h(
        'fieldset',
        { class: 'choice' },
        h('legend', null, 'Image source'),
        h(
          'div',
          { class: 'radio' },
          fileRadio,
          h('label', { for: 'source-file' }, 'Upload a file'),
        ),
        h('div', { class: 'radio' }, urlRadio, h('label', { for: 'source-url' }, 'From a URL')),
      ),
      file.wrap,
      url.wrap,
      preview,
      h('div', { class: 'grid-2' }, language.wrap, model.wrap),
      context.wrap,
      submit,
      progress,
    )
    onSubmit(form, box, async () => {
      if (!store.apiKey) {
        box.error(
          'This browser has no API key yet. Create one or paste one in the “API key for this page” box above.',
        )
        return
      }
      file.setError(null)
      url.setError(null)
      const body: {
        image?: string
        imageUrl?: string
        language: string
        model?: string
        context?: string
      } = {
        language: language.input.value,
      }
      if (model.input.value) body.model = model.input.value
      if (context.input.value.trim()) body.context = context.input.value.trim()
      if (urlRadio.checked) {
        const value = url.input.value.trim()
        if (!/^https?:\/\/\S+$/i.test(value)) {
          url.setError('Enter a full address starting with http:// or https://.')
          url.input.focus()
          box.error('Please correct the image URL.')
          return
        }
        body.imageUrl = value
      } else {
        const chosen = file.input.files?.[0]
        const problem = !chosen
          ? 'Choose an image file.'
          : !IMAGE_TYPES.includes(chosen.type)
            ? 'This file is not a JPEG, PNG, GIF or WebP image. Choose another file.'
            : chosen.size > MAX_IMAGE_BYTES
              ? 'This image is larger than 10 MB. Choose a smaller one or resize it.'
              : null
        if (problem || !chosen) {
          file.setError(problem)
          file.input.focus()
          box.error(problem ?? 'Choose an image file.')
          return
        }
        body.image = await readAsDataUrl(chosen)
      }
      progress.textContent = 'Writing alt text…'
      try {
        const result = await api.altText(body)
        setBalance(result.creditsRemaining)
        preview.alt = result.altText
        replace(
          resultRegion,
          h('h2', { id: 'result-title', tabindex: -1 }, 'Result'),
          resultView(result, models),
        )
        resultRegion.hidden = false
        progress.textContent = `Alt text ready: ${result.altText} (cost ${credits(result.creditsUsed)}, ${credits(result.creditsRemaining)} left)`
      } catch (error) {
        progress.textContent = ''
        if ((error as { code?: string }).code === 'insufficient_credits') {
          box.error(errorMessage(error))
          form
            .querySelector('.messages [role="alert"]')
            ?.append(h('p', null, link('/app/billing', 'Buy credits now')))
          return
        }
        throw error
      }
    })

    return h(
      'div',
      null,
      h('h1', null, 'Try it'),
      h(
        'p',
        { class: 'lead' },
        'Upload an image or give its address, choose a language and a model, and read the alt text the API writes. Each call is charged like an API call and shows up in Usage.',
      ),
      keyPanel(() => {}),
      form,
      resultRegion,
    )
  },
}
