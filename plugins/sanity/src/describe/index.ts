export {
  blocksToText,
  DEFAULT_LANGUAGE_FIELDS,
  documentContext,
  documentParts,
  imageContext,
  resolveLanguage,
} from './context.js'
export {
  createDescriber,
  type Described,
  type DescribeRequest,
  type Describer,
  type DescriberOptions,
  type ImageDelivery,
  type RunDescriber,
} from './describer.js'
export {
  DEFAULT_IMAGE_BASE_URL,
  type ImageRefParts,
  type ImageUrlOptions,
  imageUrl,
  parseImageRef,
} from './image-url.js'
