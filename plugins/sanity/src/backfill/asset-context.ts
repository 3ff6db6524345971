/** Context and language for one library asset (no document around it). */
import { formatContext } from '@alttextapi/core'
import { resolveLanguage } from '../describe/context.js'
import type { AssetRow } from './query.js'

/** Camera and generated names ("IMG_2041.jpg", "DSC0001", a hash) tell the model nothing. */
const MEANINGLESS_NAME = /^(img|dsc|dscn|dcim|pxl|photo|image|screenshot|untitled)?[-_ ]?[\d_ -]*$/i

/**
 * The context text of an asset, in the contract's format: the pages that use it (as the page
 * title), its own title and description (as the caption) and a telling file name.
 */
export function assetContext(asset: AssetRow): string | undefined {
  const name = asset.originalFilename?.replace(/\.[a-z0-9]+$/i, '').trim()
  const telling = name && !MEANINGLESS_NAME.test(name) && !/^[a-f0-9]{16,}$/i.test(name)
  const pages = (asset.usedIn ?? []).map((doc) => doc.title?.trim()).filter(Boolean)
  const own = [asset.title?.trim(), asset.description?.trim()].filter(Boolean)
  return formatContext({
    title: pages.length ? pages.join('; ') : undefined,
    caption: own.length ? own.join('. ') : undefined,
    fileName: telling ? name : undefined,
  })
}

/** The configured language, else the language of the first document that uses the asset. */
export function assetLanguage(asset: AssetRow, language: string | undefined): string | undefined {
  if (language) return resolveLanguage(undefined, { language })
  const used = asset.usedIn?.find((doc) => doc.language)
  return used
    ? resolveLanguage({ language: used.language }, { languageField: 'language' })
    : undefined
}
