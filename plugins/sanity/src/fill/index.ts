export {
  type FillDocumentOptions,
  type FillFailure,
  type FillProgress,
  type FillSummary,
  fillDocumentAlt,
} from './fill-document.js'
