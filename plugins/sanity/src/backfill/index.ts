/** `@alttextapi/sanity-plugin/backfill`: the asset-library backfill for Node (CLI, scripts). */

export * from '../describe/index.js'
export {
  type AssetOutcome,
  type BackfillEnd,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillSummary,
  backfillAssets,
} from './backfill.js'
export {
  type CliIo,
  runSanityBin,
  runSanityCli,
  SANITY_API_VERSION,
  SANITY_USAGE,
} from './cli.js'
export { type BackfillControl, type ControlState, createBackfillControl } from './control.js'
export { type BackfillEstimate, estimateBackfill } from './estimate.js'
export { COUNT_MISSING_QUERY, MISSING_ALT_FILTER } from './query.js'
