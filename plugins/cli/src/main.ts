/** `alttext <command> …`: dispatches to the command registry. */
import { createRequire } from 'node:module'
import { commands } from './commands/index.js'
import type { CommandIO } from './io.js'

const usage = () =>
  `Usage: alttext <command> [options]\n\nCommands:\n${Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
    .join(
      '\n',
    )}\n\nRun alttext <command> --help for its options, alttext --version for the version.\n`

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--version' || name === '-v' || name === 'version') {
    // Read at call time (dist/main.js → ../package.json): no command module is loaded.
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string }
    io.stdout.write(`${version}\n`)
    return 0
  }
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
