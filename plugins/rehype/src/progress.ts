/**
 * Progress of a long run inside a build (the rehype plugin in Astro, Eleventy, a unified script):
 * quiet for a short run; after `delayMs`, a bar on a terminal (cli-progress, the library the CLI
 * uses, on stderr) and in a CI log (no TTY) one plain line every `intervalMs`, so a build with
 * hundreds of images never sits silent for minutes and a log gets no redraw codes. The counts
 * are images: queued when a page's images are found, done when each is settled; the status is
 * core's live run summary (from `onProgress`).
 */
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { SingleBar } from 'cli-progress'
import type { ProgressOptions } from './options.js'

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
  const stream = options.stream ?? process.stderr
  const tty = stream.isTTY === true
  const delay = options.delayMs ?? 2000
  const interval = options.intervalMs ?? 10_000
  let queued = 0
  let settled = 0
  let status = ''
  let startedAt: number | undefined
  let bar: SingleBar | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let lastLine = 0

  const line = () =>
    `[alttextapi] ${settled}/${queued} images${status ? ` · ${sanitizeForTerminal(status)}` : ''}\n`
  const stop = () => {
    bar?.stop()
    bar = undefined
    if (timer) clearInterval(timer)
    timer = undefined
  }
  const draw = () => {
    if (startedAt === undefined || Date.now() - startedAt < delay) return
    if (tty) {
      bar ??= new SingleBar({
        stream: stream as unknown as NodeJS.WritableStream,
        format: '[alttextapi] {bar} {value}/{total} images{status}',
        barsize: 24,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: false,
        clearOnComplete: true,
        fps: 10,
      })
      if (!bar.isActive) bar.start(queued, settled, { status: '' })
      bar.setTotal(queued)
      bar.update(settled, { status: status ? ` · ${sanitizeForTerminal(status)}` : '' })
    } else if (Date.now() - lastLine >= interval) {
      lastLine = Date.now()
      stream.write(line())
    }
  }
  const tick = () => {
    draw()
    // All known images settled: the run is idle (between pages, or done); the bar goes until the
    // next page brings images (the delay counts once per run, so a build of many small pages
    // still shows its progress).
    if (settled >= queued) stop()
  }
  return {
    queue(count) {
      if (count <= 0) return
      queued += count
      if (startedAt === undefined) {
        startedAt = Date.now()
        lastLine = startedAt + delay - interval
      }
      if (!timer) {
        // The timer keeps the lines coming while an API call is slow; it never holds the process.
        timer = setInterval(draw, Math.min(interval, 1000))
        timer.unref()
      }
    },
    settle() {
      settled++
      tick()
    },
    status(text) {
      status = text
    },
  }
}
