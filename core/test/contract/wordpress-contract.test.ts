// The WordPress plugin reads the contract from a generated JSON file: it must be what the current
// contract renders to, and the plugin's PHP must apply the same rules the TypeScript applies.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  pcre,
  renderContractJson,
  WORDPRESS_CONTRACT_COMMAND,
  WORDPRESS_CONTRACT_PATH,
} from '../../scripts/wordpress-contract.mjs'
import * as altLint from '../../src/contract/alt-lint.js'
import * as contract from '../../src/contract/index.js'

const root = new URL('../../../', import.meta.url)
const includes = new URL('plugins/wordpress/includes/', root).pathname
const committed = readFileSync(new URL(WORDPRESS_CONTRACT_PATH, root), 'utf8')

/**
 * Runs PHP code with the plugin's contract reader and the given classes loaded, WordPress stubbed
 * by the two functions they call. Undefined when php is not installed.
 */
async function php(classes: string[], code: string): Promise<string | undefined> {
  const requires = ['class-contract.php', ...classes]
    .map((file) => `require ${JSON.stringify(includes + file)};`)
    .join('\n')
  const program = `namespace {
      define('ABSPATH', '/');
      function wp_json_file_decode($file, $options) { return json_decode(file_get_contents($file), true); }
      function wp_strip_all_tags($text) { return strip_tags($text); }
    }
    namespace AltTextAPI { ${requires} ${code} }`
  try {
    const { stdout } = await promisify(execFile)('php', ['-r', program])
    return stdout
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw error
  }
}

describe('includes/contract.json', () => {
  it('is what the contract renders to', () => {
    if (committed !== renderContractJson({ ...contract, ...altLint })) {
      expect.fail(
        `${WORDPRESS_CONTRACT_PATH} is stale: run \`${WORDPRESS_CONTRACT_COMMAND}\` and commit it.`,
      )
    }
  })

  it('writes patterns PCRE reads like JavaScript: $ only at the very end', () => {
    expect(pcre(/^a\/b$/)).toBe('/^a\\/b$/D')
    expect(pcre(/a/i)).toBe('/a/Di')
    expect(() => pcre(/a/g)).toThrow(/flags/)
  })

  it('gives PHP the same limits, codes and pattern results (when php is installed)', async (ctx) => {
    const tags = ['en', 'de-CH', 'en_US', 'en\n', `en${'-abcdefgh'.repeat(4)}`]
    const keys = ['k'.repeat(200), 'k'.repeat(201), 'clé', 'a b']
    const out = await php(
      ['class-language.php'],
      `$tags = json_decode(${JSON.stringify(JSON.stringify(tags))});
       $keys = json_decode(${JSON.stringify(JSON.stringify(keys))});
       echo json_encode(array(
         'limits' => Contract::data()['limits'],
         'status' => Contract::error_status(),
         'fatal' => array_map(function ($c) { return Contract::is_fatal($c); }, array_keys(Contract::error_status())),
         'tags' => array_map(function ($t) { return Language::is_valid($t); }, $tags),
         'keys' => array_map(function ($k) { return 1 === preg_match(Contract::pattern('idempotencyKey'), $k); }, $keys),
         'imageTypes' => Contract::image_types(),
         'preparedMaxSide' => Contract::prepared_max_side(),
       ));`,
    )
    if (out === undefined) {
      ctx.skip()
      return
    }
    const read = JSON.parse(out)
    expect(read.limits).toEqual(contract.LIMITS)
    expect(read.status).toEqual(contract.ERROR_STATUS)
    expect(read.fatal).toEqual(contract.ERROR_CODES.map((code) => contract.isFatalError(code)))
    expect(read.tags).toEqual(tags.map((tag) => contract.isLanguageTag(tag)))
    expect(read.keys).toEqual(keys.map((key) => contract.IDEMPOTENCY_KEY_PATTERN.test(key)))
    expect(read.imageTypes).toEqual([...contract.IMAGE_TYPES])
    expect(read.preparedMaxSide).toBe(contract.PREPARED_IMAGE_MAX_SIDE)
  })
})

describe('the WordPress plugin formats context like formatContext (when php is installed)', () => {
  const cases = [
    { title: 'Bakery', caption: 'Our <b>oven</b>', text: 'Fresh\n\nbread  every\u00a0morning.' },
    { title: 'word '.repeat(100), text: 'x'.repeat(1987) },
    { text: 'x'.repeat(1988) },
    { text: 'x'.repeat(1987) },
    {
      title: '😀'.repeat(150),
      caption: 'é'.repeat(500),
      text: `${'a'.repeat(1000)} ${'😀'.repeat(600)}`,
    },
    { heading: 'Visit us', text: ' ', fileName: 'harbour-lights' },
    {},
  ]

  it('gives the same string for the same parts', async (ctx) => {
    const out = await php(
      ['class-generator.php'],
      `$cases = json_decode(${JSON.stringify(JSON.stringify(cases))}, true);
       echo json_encode(array_map(function ($c) { return Generator::build_context($c); }, $cases));`,
    )
    if (out === undefined) {
      ctx.skip()
      return
    }
    const expected = cases.map((parts) => {
      const caption = parts.caption?.replace(/<[^>]*>/g, '')
      return contract.formatContext({ ...parts, caption }) ?? ''
    })
    expect(JSON.parse(out)).toEqual(expected)
    expect(expected[2]).toHaveLength(contract.LIMITS.maxContextLength)
    expect(expected[3]).toHaveLength(contract.LIMITS.maxContextLength)
  })
})
