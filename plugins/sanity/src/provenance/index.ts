export {
  FIELD_ASSET_QUERY,
  type FieldAnswerOptions,
  type FieldAsset,
  saveFieldAnswer,
} from './field-answer.js'
export {
  type AltTextOrigin,
  type AltTextProvenance,
  type AssetAlt,
  altTextOrigin,
  machineProvenance,
  markedDecorative,
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
  markDecorativeAsset,
  REVIEW_QUERY,
  type ReviewAsset,
  ReviewError,
  refusal,
  regenerateAsset,
  reviewQueue,
} from './review.js'
