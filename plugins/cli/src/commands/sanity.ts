/**
 * `alttext sanity`: fills `altText` of Sanity image assets (the asset library). The work is done
 * by `@alttextapi/sanity-plugin/backfill`, the same backfill the Studio tool runs.
 */
import { runSanityCli, SANITY_USAGE } from '@alttextapi/sanity-plugin/backfill'
import type { Command } from '../io.js'

export const sanity: Command = {
  summary: 'Fill missing alt text of Sanity image assets (resumable)',
  help: `${SANITY_USAGE}\n`,
  run: (args, io) =>
    runSanityCli(args, {
      stdout: (line) => io.stdout.write(`${line}\n`),
      stderr: (line) => io.stderr.write(`${line}\n`),
      env: io.env,
      handleSignals: true,
    }),
}
