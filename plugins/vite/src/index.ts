export { assetReference, bundleFileName } from './bundle.js'
export type { AltTextViteOptions } from './options.js'
export { altText, altText as default } from './plugin.js'
