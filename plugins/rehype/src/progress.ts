/**
 * Progress of a long run inside a build (the rehype plugin in Astro, Eleventy, a unified script),
 * drawn by `terminal-progress.ts` (default: quiet for 2 s, then a bar or one line every 10 s).
 * The counts are images: queued when a page's images are found, done when each is settled; the
 * status is core's live run summary (from `onProgress`).
 */
import type { ProgressOptions } from './options.js'
import { createTerminalProgress } from './terminal-progress.js'

/** A run's progress reporter. */
export interface RunProgress {
  /** `count` more images will be settled. */
  queue(count: number): void
  /** One image is settled. */
  settle(): void
  /** The run's counters changed (`described`, `cached`…). */
  status(text: string): void
}

/** Creates the reporter (see the module comment). */
export function createRunProgress(options: ProgressOptions = {}): RunProgress {
  let queued = 0
  let settled = 0
  let status = ''
  const display = createTerminalProgress(
    {
      unit: 'images',
      stream: options.stream,
      delayMs: options.delayMs ?? 2000,
      intervalMs: options.intervalMs ?? 10_000,
    },
    () => ({ done: settled, total: queued, status }),
  )
  return {
    queue(count) {
      if (count <= 0) return
      queued += count
      display.start()
    },
    settle() {
      settled++
      display.draw()
      // All known images settled: the run is idle (between pages, or done); the bar goes until the
      // next page brings images (the delay counts once per run, so a build of many small pages
      // still shows its progress).
      if (settled >= queued) display.stop()
    },
    status(text) {
      status = text
    },
  }
}
