/** Context and language for one library asset (no document around it). */
import { imageContext, resolveLanguage } from '../describe/context.js'
import type { AssetRow } from './query.js'

/** Camera and generated names ("IMG_2041.jpg", "DSC0001", a hash) tell the model nothing. */
const MEANINGLESS_NAME = /^(img|dsc|dscn|dcim|pxl|photo|image|screenshot|untitled)?[-_ ]?[\d_ -]*$/i

/** The context text of an asset: its title, description, a telling file name and where it is used. */
export function assetContext(asset: AssetRow): string | undefined {
  const parts: string[] = []
  if (asset.title?.trim()) parts.push(`Title: ${asset.title.trim()}`)
  if (asset.description?.trim()) parts.push(asset.description.trim())
  const name = asset.originalFilename?.replace(/\.[a-z0-9]+$/i, '').trim()
  if (name && !MEANINGLESS_NAME.test(name) && !/^[a-f0-9]{16,}$/i.test(name))
    parts.push(`File name: ${name}`)
  const titles = (asset.usedIn ?? []).map((doc) => doc.title?.trim()).filter(Boolean)
  if (titles.length) parts.push(`Used on: ${titles.join('; ')}`)
  return imageContext(undefined, parts.length ? parts.join('\n') : undefined)
}

/** The configured language, else the language of the first document that uses the asset. */
export function assetLanguage(asset: AssetRow, language: string | undefined): string | undefined {
  if (language) return resolveLanguage(undefined, { language })
  const used = asset.usedIn?.find((doc) => doc.language)
  return used
    ? resolveLanguage({ language: used.language }, { languageField: 'language' })
    : undefined
}
