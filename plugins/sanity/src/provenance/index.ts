export {
  type AltTextOrigin,
  type AltTextProvenance,
  type AssetAlt,
  altTextOrigin,
  machineProvenance,
  mayWriteMachineText,
  NEEDS_REVIEW_FILTER,
  needsReview,
  PROVENANCE_FIELD,
  PROVENANCE_TYPE,
  writableFilter,
} from './provenance.js'
export {
  approveAsset,
  editAsset,
  REVIEW_QUERY,
  type ReviewAsset,
  ReviewError,
  regenerateAsset,
  reviewQueue,
} from './review.js'
