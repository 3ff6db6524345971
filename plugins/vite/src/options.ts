/** Options of the Vite plugin. */
import type { Options } from '@alttextapi/rehype'

/**
 * The rehype plugin's options (see `@alttextapi/rehype`), less the ones the Vite plugin sets
 * itself, plus a few of its own.
 */
export interface AltTextViteOptions extends Omit<Options, 'run' | 'client'> {
  /**
   * Also fill alt text while `vite dev` serves pages. Default `false`: build only (every page
   * load in dev would otherwise reach the API for new images).
   */
  dev?: boolean | undefined
  /** Print the summary line at the end of the build. Default `true`. */
  summary?: boolean | undefined
}
