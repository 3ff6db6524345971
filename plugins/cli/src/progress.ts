/**
 * Progress on stderr: a bar on a terminal (cli-progress), and in CI logs (no TTY) plain lines —
 * one per page with images, and a status line about every tenth of the pages — so a long run
 * shows it is alive without redraw codes in the log.
 */
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { MultiBar } from 'cli-progress'

/** Where output goes (a subset of a Node stream). */
export interface Out {
  write(text: string): unknown
  isTTY?: boolean | undefined
  columns?: number | undefined
}

/** A progress reporter for `total` files. */
export interface Progress {
  /** A file is done; `line` is printed as is in plain mode (nothing when undefined). */
  tick(line?: string, status?: string): void
  /** Prints a message without garbling the bar. */
  log(line: string): void
  /** Removes the bar. */
  end(): void
}

function barProgress(out: Out, total: number): Progress {
  const multi = new MultiBar({
    stream: out as unknown as NodeJS.WritableStream,
    format: '{bar} {value}/{total} files{status}',
    barsize: 24,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: false,
    clearOnComplete: true,
    // Redrawn on change (and at most 10 times a second), not on a fixed timer only.
    fps: 10,
    forceRedraw: true,
  })
  const bar = multi.create(total, 0, { status: '' })
  return {
    tick(_line, status) {
      bar.increment(1, status === undefined ? {} : { status: ` · ${sanitizeForTerminal(status)}` })
      multi.update()
    },
    log(line) {
      multi.log(`${sanitizeForTerminal(line)}\n`)
      multi.update()
    },
    end() {
      multi.update()
      multi.stop()
    },
  }
}

function plainProgress(out: Out, total: number): Progress {
  let done = 0
  const every = Math.max(1, Math.ceil(total / 10))
  return {
    tick(line, status) {
      done++
      if (line) out.write(`${sanitizeForTerminal(line)}\n`)
      // A status line every tenth of the run (not after the last file: the summary follows).
      if (done % every === 0 && done < total)
        out.write(
          `alttext: ${done}/${total} files${status ? ` · ${sanitizeForTerminal(status)}` : ''}\n`,
        )
    },
    log(line) {
      out.write(`${sanitizeForTerminal(line)}\n`)
    },
    end() {},
  }
}

/**
 * Creates the reporter: a bar when `out` is a terminal, plain lines otherwise. Every line passes
 * `sanitizeForTerminal`: page text and API answers must not drive the terminal or a CI runner.
 */
export function createProgress(out: Out, total: number): Progress {
  return out.isTTY === true ? barProgress(out, total) : plainProgress(out, total)
}
