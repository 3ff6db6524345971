/**
 * Renders the contract (core/src/contract) as PHP for the WordPress plugin, which cannot import
 * TypeScript: `includes/contract.php`, one final class of constants. Pure: the caller passes the
 * contract module (the built one from the build script, the source one from the staleness test).
 */

/** Where the generated file lives, relative to the repository root. */
export const PHP_CONTRACT_PATH = 'plugins/wordpress/includes/contract.php'

/** The command that rewrites it. */
export const PHP_CONTRACT_COMMAND = 'pnpm --filter @alttextapi/core build'

/** A PHP single-quoted string literal (only `\` and `'` are escapes there). */
function phpString(value) {
  return `'${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`
}

function phpScalar(value) {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'string') return phpString(value)
  throw new Error(`no PHP form for ${JSON.stringify(value)}`)
}

/**
 * A JavaScript RegExp as a PCRE pattern string for preg_match. `source` already escapes `/`.
 * `D` makes `$` match only at the very end, as in JavaScript (PCRE's `$` also matches before a
 * final newline).
 */
export function pcre(regexp) {
  if (regexp.flags !== '') throw new Error(`flags ${regexp.flags} have no PCRE mapping here`)
  return `/${regexp.source}/D`
}

/** `array( … )` in WordPress style: one entry a line, `=>` aligned, trailing comma. */
function phpArray(entries, indent) {
  const pad = '\t'.repeat(indent)
  if (Array.isArray(entries)) {
    const lines = entries.map((value) => `${pad}\t${phpValue(value, indent + 1)},`)
    return `array(\n${lines.join('\n')}\n${pad})`
  }
  const keys = Object.keys(entries)
  const width = Math.max(...keys.map((key) => phpString(key).length))
  const lines = keys.map(
    (key) => `${pad}\t${phpString(key).padEnd(width)} => ${phpValue(entries[key], indent + 1)},`,
  )
  return `array(\n${lines.join('\n')}\n${pad})`
}

function phpValue(value, indent) {
  return typeof value === 'object' && value !== null ? phpArray(value, indent) : phpScalar(value)
}

/** The PHP source of `includes/contract.php` for the given contract module. */
export function renderPhpContract(contract) {
  const constants = [
    ['LIMITS', 'Limits shared by the API and its clients (LIMITS in core).', contract.LIMITS],
    [
      'BCP47_PATTERN',
      'A language tag the API accepts, at most LIMITS maxLanguageTagLength characters.',
      pcre(contract.BCP47_PATTERN),
    ],
    [
      'IDEMPOTENCY_KEY_PATTERN',
      'An Idempotency-Key header value (and not white space alone).',
      pcre(contract.IDEMPOTENCY_KEY_PATTERN),
    ],
    ['ERROR_STATUS', 'Every error code of the API, and its HTTP status.', contract.ERROR_STATUS],
    [
      'FATAL_ERROR_CODES',
      'Codes after which a run (bulk, queue, CLI) stops: no further image can succeed.',
      [...contract.FATAL_ERROR_CODES],
    ],
    [
      'CONTEXT_LINES',
      'The labelled lines of the context string, in order, with the most characters each.',
      contract.CONTEXT_LINES.map((line) => ({
        field: line.field,
        label: line.label,
        max_length: line.maxLength,
      })),
    ],
    [
      'MAX_CONTEXT_LENGTH',
      'Longest context string, in UTF-16 code units (what the API counts).',
      contract.LIMITS.maxContextLength,
    ],
  ]
  const body = constants
    .map(([name, doc, value]) => `\t/** ${doc} */\n\tconst ${name} = ${phpValue(value, 1)};`)
    .join('\n\n')
  return `<?php
/**
 * The AltText API contract: the rules this plugin shares with the API and the other clients.
 *
 * GENERATED from core/src/contract by core/scripts/gen-php-contract.mjs. Do not edit by hand:
 * change core and run \`${PHP_CONTRACT_COMMAND}\`. A core test fails while this file is stale.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Constants of the contract. */
final class Contract {
${body}
}
`
}
