/**
 * Renders the contract (core/src/contract) as JSON for the WordPress plugin, which cannot import
 * TypeScript: `includes/contract.json`, read by `includes/class-contract.php`. Pure: the caller
 * passes the contract module (the built one from the build script, the source one from the
 * staleness test).
 */

/** Where the generated file lives, relative to the repository root. */
export const WORDPRESS_CONTRACT_PATH = 'plugins/wordpress/includes/contract.json'

/** The command that rewrites it. */
export const WORDPRESS_CONTRACT_COMMAND = 'pnpm --filter @alttextapi/core build'

/**
 * A JavaScript RegExp as a PCRE pattern string for preg_match. `source` already escapes `/`.
 * `D` makes `$` match only at the very end, as in JavaScript (PCRE's `$` also matches before a
 * final newline). `i` is the one flag mapped (the patterns are ASCII, where both ignore case alike).
 */
export function pcre(regexp) {
  if (regexp.flags !== '' && regexp.flags !== 'i')
    throw new Error(`flags ${regexp.flags} have no PCRE mapping here`)
  return `/${regexp.source}/D${regexp.flags}`
}

/** The text of `includes/contract.json` for the given contract module (merged with `alt-lint`'s). */
export function renderContractJson(contract) {
  const data = {
    _generated: `From core/src/contract by core/scripts/gen-wordpress-contract.mjs: do not edit, run \`${WORDPRESS_CONTRACT_COMMAND}\`.`,
    limits: contract.LIMITS,
    patterns: {
      bcp47: pcre(contract.BCP47_PATTERN),
      idempotencyKey: pcre(contract.IDEMPOTENCY_KEY_PATTERN),
      email: pcre(contract.EMAIL_PATTERN),
    },
    errorStatus: contract.ERROR_STATUS,
    fatalErrorCodes: [...contract.FATAL_ERROR_CODES],
    contextLines: contract.CONTEXT_LINES,
    image: {
      types: [...contract.IMAGE_TYPES],
      preparedMaxSide: contract.PREPARED_IMAGE_MAX_SIDE,
    },
    altLint: {
      url: pcre(contract.ALT_LINT_URL_PATTERN),
      imageFile: pcre(contract.ALT_LINT_IMAGE_FILE_PATTERN),
      placeholder: pcre(contract.ALT_LINT_PLACEHOLDER_PATTERN),
      prefix: pcre(contract.ALT_LINT_PREFIX_PATTERN),
      maxLength: contract.ALT_LINT_MAX_LENGTH,
    },
    // What the image is for and what the answer says of it (issue 23: purpose, long, kind).
    description: {
      purposes: [...contract.PURPOSES],
      defaultPurpose: contract.DEFAULT_PURPOSE,
      kinds: [...contract.IMAGE_KINDS],
      fallbackKind: contract.FALLBACK_KIND,
      longDescriptionKinds: [...contract.LONG_DESCRIPTION_KINDS],
      maxLongDescriptionLength: contract.MAX_LONG_DESCRIPTION_LENGTH,
      longDescriptionCredits: contract.LONG_DESCRIPTION_CREDITS,
    },
  }
  return `${JSON.stringify(data, null, 2)}\n`
}
