/** Turns the try-it form into the body of POST /v1/alt-text, or marks what is wrong. */
import { fileProblem, type ImageSourceFields } from './source.js'

/** The JSON body the dashboard sends. */
export interface TryRequest {
  image?: string
  imageUrl?: string
  language: string
  model?: string
  context?: string
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(new Error('The file could not be read. Choose it again.'))
    reader.readAsDataURL(file)
  })
}

/**
 * The request for the form's values, or a message for the form's alert when a field is wrong
 * (the field shows its own error and takes the focus).
 */
export async function buildRequest(
  source: ImageSourceFields,
  options: { language: string; model: string; context: string },
): Promise<TryRequest | { problem: string }> {
  const { file, url } = source
  file.setError(null)
  url.setError(null)
  const body: TryRequest = { language: options.language }
  if (options.model) body.model = options.model
  if (options.context.trim()) body.context = options.context.trim()
  if (source.usesUrl()) {
    const value = url.input.value.trim()
    if (!/^https?:\/\/\S+$/i.test(value)) {
      url.setError('Enter a full address starting with http:// or https://.')
      url.input.focus()
      return { problem: 'Please correct the image URL.' }
    }
    body.imageUrl = value
    return body
  }
  const chosen = file.input.files?.[0]
  const problem = fileProblem(chosen)
  if (problem || !chosen) {
    file.setError(problem)
    file.input.focus()
    return { problem: problem ?? 'Choose an image file.' }
  }
  body.image = await readAsDataUrl(chosen)
  return body
}
