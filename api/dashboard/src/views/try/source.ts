/** Where the image comes from: a file (with a preview) or a URL, chosen by two radio buttons. */
import { LIMITS } from '@alttextapi/core'
import { h } from '../../dom.js'
import { type Field, inputField } from '../../ui/field.js'

/** The types the API accepts (it decides by the bytes; this only filters the file picker). */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']
const MAX_MB = LIMITS.maxImageBytes / (1024 * 1024)

/** The source controls and the preview image. */
export interface ImageSourceFields {
  /** The radio group, the file field, the URL field and the preview, in page order. */
  elements: HTMLElement[]
  file: Field<HTMLInputElement>
  url: Field<HTMLInputElement>
  preview: HTMLImageElement
  /** True when the URL is chosen. */
  usesUrl(): boolean
}

function radio(value: string, label: string, checked: boolean) {
  const input = h('input', { type: 'radio', name: 'source', value, id: `source-${value}`, checked })
  return { input, wrap: h('div', { class: 'radio' }, input, h('label', { for: input.id }, label)) }
}

/** The image source part of the try-it form. */
export function imageSourceFields(): ImageSourceFields {
  const fromFile = radio('file', 'Upload a file', true)
  const fromUrl = radio('url', 'From a URL', false)
  const file = inputField({
    label: 'Image file',
    name: 'image',
    type: 'file',
    hint: `JPEG, PNG, GIF or WebP, up to ${MAX_MB} MB. It is not stored.`,
    attrs: { accept: IMAGE_TYPES.join(',') },
  })
  const url = inputField({
    label: 'Image URL',
    name: 'imageUrl',
    type: 'url',
    hint: 'A public http(s) address that points straight at the image.',
    attrs: { placeholder: 'https://example.com/photo.jpg', inputmode: 'url', autocomplete: 'url' },
  })
  url.wrap.hidden = true
  const preview = h('img', { class: 'preview', alt: '', hidden: true })
  const show = () => {
    const useUrl = fromUrl.input.checked
    url.wrap.hidden = !useUrl
    file.wrap.hidden = useUrl
    preview.hidden = useUrl || !preview.src
  }
  fromFile.input.addEventListener('change', show)
  fromUrl.input.addEventListener('change', show)
  let previewUrl: string | null = null
  file.input.addEventListener('change', () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl)
    const chosen = file.input.files?.[0]
    previewUrl = chosen && IMAGE_TYPES.includes(chosen.type) ? URL.createObjectURL(chosen) : null
    if (previewUrl) preview.src = previewUrl
    else preview.removeAttribute('src')
    preview.alt = ''
    show()
  })
  const group = h(
    'fieldset',
    { class: 'choice' },
    h('legend', null, 'Image source'),
    fromFile.wrap,
    fromUrl.wrap,
  )
  return {
    elements: [group, file.wrap, url.wrap, preview],
    file,
    url,
    preview,
    usesUrl: () => fromUrl.input.checked,
  }
}

/**
 * Why the chosen file cannot be sent, or null. The API's size limit is checked here too, to save
 * a useless upload.
 */
export function fileProblem(chosen: File | undefined): string | null {
  if (!chosen) return 'Choose an image file.'
  if (!IMAGE_TYPES.includes(chosen.type))
    return 'This file is not a JPEG, PNG, GIF or WebP image. Choose another file.'
  if (chosen.size > LIMITS.maxImageBytes)
    return `This image is larger than ${MAX_MB} MB. Choose a smaller one or resize it.`
  return null
}
