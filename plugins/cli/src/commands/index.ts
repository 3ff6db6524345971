/**
 * The command registry: `alttext <name> …` runs `commands[name]`. A new command is a file in this
 * folder and one line here.
 */
import type { Command } from '../io.js'
import { check } from './check.js'
import { fix } from './fix.js'
import { sanity } from './sanity.js'

export const commands: Record<string, Command> = {
  fix,
  check,
  sanity,
}
