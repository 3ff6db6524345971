/**
 * Which hosts an image URL may point at. The rule lives in core (`@alttextapi/core/address`,
 * shared with the build plugins' downloads; a subpath of its own keeps it out of the browser
 * entry); this module keeps the API's import path.
 */
export {
  isPublicAddress,
  parseIPv4,
  parseIPv6,
  privateIPv4,
  privateIPv6,
  refusedHost,
} from '@alttextapi/core/address'
