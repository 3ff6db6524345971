/** What a command gets from the outside world (injected so tests run commands in-process). */
import type { Out } from './progress.js'

export interface CommandIO {
  stdout: Out
  stderr: Out
  env: Record<string, string | undefined>
  cwd: string
  /** Ends a command that runs until stopped (`review`'s server); else it waits for Ctrl-C. */
  signal?: AbortSignal | undefined
}

/** A subcommand of `alttext` (its one-line summary is in the registry, `commands/index.ts`). */
export interface Command {
  /** Usage and options, shown by `alttext <command> --help`. */
  help: string
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CommandIO): Promise<number>
}
