export {
  type AltState,
  type FindImagesOptions,
  type FoundImage,
  findImages,
  findImagesMissingAlt,
} from './find-images.js'
export { getAtPath, isRecord, type Path, type PathSegment, toPathString } from './path.js'
export { isImageSchema, type SchemaNode } from './schema.js'
