/**
 * The options of the remark plugin and of `fillMarkdownSource`. A leaf module: it imports nothing
 * of this package, so every other file may read it.
 */
import type { PageContext } from '@alttextapi/core'
import type { AltTextRun, RunOptions } from '@alttextapi/rehype'
import type { VFile } from 'vfile'

/**
 * The settings of a run, as in `@alttextapi/rehype` (key, API URL, language, root, publicDir,
 * cache, budget, failOnError, remoteImages, allowHosts…), minus what only applies to HTML pages.
 */
export interface Options
  extends Omit<RunOptions, 'context' | 'describeDecorative' | 'pageCache' | 'basePath'> {
  /**
   * Send context (front-matter title, nearest heading, the paragraph, the link). Default `true`;
   * `false`, or a function that turns the found context into the string sent.
   */
  context?:
    | boolean
    | ((context: MarkdownImageContext, file: VFile) => string | undefined)
    | undefined
  /**
   * Share one run (dedupe, budget, counters, fatal stop) with other processors, also with
   * `@alttextapi/rehype` (`createAltTextRun`). The run's options then apply.
   */
  run?: AltTextRun | undefined
}

/** What is known about an image's place in the document (core's `PageContext` + the source). */
export interface MarkdownImageContext extends PageContext {
  /** The image source as written (`url` of the image or of its definition). */
  src: string
}
