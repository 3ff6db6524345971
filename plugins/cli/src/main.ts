/** `alttext <command> …`: dispatches to the command registry. */
import { commands } from './commands/index.js'
import type { CommandIO } from './io.js'

const usage = () =>
  `Usage: alttext <command> [options]\n\nCommands:\n${Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
    .join('\n')}\n\nRun alttext <command> --help for its options.\n`

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage())
    return name ? 0 : 2
  }
  const entry = commands[name]
  if (!entry) {
    io.stderr.write(`alttext: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    io.stderr.write(`alttext ${name}: ${(error as Error).message}\n`)
    return 2
  }
}
