/**
 * The lint settings of `alttext lint`: the `lint` key of `alttext.config.json` in the current
 * folder (the project root), or of the file `--config` names. No file: every default. A file that
 * is not JSON, or a `lint` value core's `lintSettings` refuses, is one error naming the file and
 * the key (`alttext.config.json: lint.rules.placeholdr: unknown rule …`), never a silent default.
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { type LintSettings, lintSettings } from '@alttextapi/core/node'

/** The config file's default name. */
export const CONFIG_FILE = 'alttext.config.json'

/** A config that cannot be used (exit 2, the message names the file and key). */
export class ConfigError extends Error {}

/** Reads the settings; `explicit` is `--config` (then the file must exist). */
export async function readLintSettings(
  cwd: string,
  explicit: string | undefined,
): Promise<LintSettings> {
  const path = resolve(cwd, explicit ?? CONFIG_FILE)
  const name = relative(cwd, path) || path
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && explicit === undefined)
      return lintSettings(undefined)
    throw new ConfigError(`${name}: could not read: ${(error as Error).message}`)
  }
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`${name}: not valid JSON: ${(error as Error).message}`)
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ConfigError(`${name}: must be a JSON object (with a "lint" key)`)
  try {
    return lintSettings((config as { lint?: unknown }).lint, `${name}: lint`)
  } catch (error) {
    throw new ConfigError((error as Error).message)
  }
}
