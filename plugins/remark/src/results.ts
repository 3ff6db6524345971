/** What happened to the images of a file (`file.data.markdownAltText`). */
import type { AltTextStats } from '@alttextapi/rehype'
import type { MarkdownImage } from './find-images.js'

/** What happened to one image. */
export interface MarkdownImageResult {
  image: MarkdownImage
  /** `stopped`: not described because the run stopped on a fatal answer (see `run.fatal`). */
  status: 'described' | 'cached' | 'skipped' | 'failed' | 'stopped'
  altText?: string | undefined
  reason?: string | undefined
  /** Credits the API charged for this image (0 or absent when cached, shared or reused). */
  creditsUsed?: number | undefined
  /** The API reused an earlier description of the same image (no credits). */
  reused?: boolean | undefined
}

/** `file.data.markdownAltText`: the file's counters and per-image results. */
export interface MarkdownAltText {
  stats: AltTextStats
  images: MarkdownImageResult[]
}

declare module 'vfile' {
  interface DataMap {
    markdownAltText: MarkdownAltText
  }
}
