/** What happened to the images of a file: the types `processTree` and the page cache share. */
import type { Element } from 'hast'
import type { TagLocation } from './start-tag.js'
import type { AltTextStats } from './stats.js'

/** What happened to one image of a file (in `file.data.altText.images`). */
export interface ImageResult {
  node: Element
  src: string
  /** `stopped`: not described because the run stopped on a fatal answer (see `run.fatal`). */
  status: 'described' | 'cached' | 'skipped' | 'failed' | 'stopped'
  altText?: string | undefined
  reason?: string | undefined
  /** Credits the API charged for this image (0 when cached, shared or reused). */
  creditsUsed?: number | undefined
  /** The API reused an earlier description of the same image (no credits). */
  reused?: boolean | undefined
  /** Who wrote `altText`: absent or `machine` for the model, `edited`/`human` from alt-text.json. */
  origin?: 'machine' | 'edited' | 'human' | undefined
  /** The API judged the image decorative (applied only with `applyDecorative`). */
  decorative?: boolean | undefined
  /** The API's long description, to write (with the `long` option). */
  longDescription?: string | undefined
  /** The id of the element holding it (the image's `aria-describedby`), once placed. */
  longDescriptionId?: string | undefined
  /** Where the start tag is in the page's source (pages read by `fillAltText`). */
  tag?: TagLocation | undefined
}

/** `file.data.altText`: the file's counters and per-image results. */
export interface FileAltText {
  stats: AltTextStats
  images: ImageResult[]
}

declare module 'vfile' {
  interface DataMap {
    altText: FileAltText
  }
}
