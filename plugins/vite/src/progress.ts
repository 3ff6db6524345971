/**
 * Progress of a long build, counted in pages: quiet for one interval, then on a terminal a bar
 * and in a CI log (no TTY) one line per interval through Vite's logger. The display is
 * `@alttextapi/rehype/progress`, the one the rehype plugin and the CLI draw too.
 */
import { createTerminalProgress, type ProgressStream } from '@alttextapi/rehype/progress'

/** Where the bar is drawn (a subset of a Node stream). */
export type BarStream = ProgressStream

/** Options of `createBuildProgress`. */
export interface BuildProgressOptions {
  /** Pages of the build. */
  total: number
  /** Plain lines (Vite's logger). */
  info: (line: string) => void
  /** The bar's stream; a bar only when it is a TTY. Default `process.stderr`. */
  stream?: BarStream | undefined
  /** Quiet this long, then a bar (TTY) or one line per interval (log). Default 10 s in logs, 1 s on a TTY. */
  intervalMs?: number | undefined
}

/** A build's progress reporter. */
export interface BuildProgress {
  /** A page is done; `status` is the run's counters so far. */
  page(status: string): void
  /** The counters changed (an image is done). */
  status(status: string): void
  /** Stops the timer and removes the bar. */
  end(): void
}

/** Creates the reporter; see the module comment. */
export function createBuildProgress(options: BuildProgressOptions): BuildProgress {
  const stream = options.stream ?? process.stderr
  const interval = options.intervalMs ?? (stream.isTTY === true ? 1000 : 10_000)
  let done = 0
  let current = ''
  const display = createTerminalProgress(
    { unit: 'pages', stream, delayMs: interval, intervalMs: interval, line: options.info },
    () => ({ done, total: options.total, status: current }),
  )
  display.start()
  return {
    page(status) {
      done++
      current = status
      display.draw()
    },
    status(status) {
      current = status
      display.draw()
    },
    end() {
      display.stop()
    },
  }
}
