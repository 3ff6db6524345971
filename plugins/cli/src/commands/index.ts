/**
 * The command registry: `alttext <name> …` loads `commands[name]` only when it runs, so
 * `alttext --help` (and `alttext check`) do not load what `fix` needs (rehype, sharp, the client).
 * A new command is a file in this folder and one entry here.
 */
import type { Command } from '../io.js'

/** A command as the registry knows it before it is loaded. */
export interface CommandEntry {
  /** One line for `alttext --help`. */
  summary: string
  load(): Promise<Command>
}

export const commands: Record<string, CommandEntry> = {
  fix: {
    summary: 'Fill missing alt text in built HTML files, in place',
    load: async () => (await import('./fix.js')).fix,
  },
  cache: {
    summary: 'Drop alt-text.json entries no page uses (cache prune <dir>)',
    load: async () => (await import('./cache.js')).cache,
  },
  check: {
    summary: 'List images without alt text in built HTML; exit 1 if there is any',
    load: async () => (await import('./check.js')).check,
  },
  review: {
    summary: 'Review machine-written alt text of alt-text.json in a local page (or --report)',
    load: async () => (await import('./review.js')).review,
  },
  lint: {
    summary: 'List alt text that does not help (text, JSON or SARIF; --fix); exit 1 on an error',
    load: async () => (await import('./lint.js')).lint,
  },
}
