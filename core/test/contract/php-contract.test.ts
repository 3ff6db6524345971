// The WordPress plugin reads the contract from a generated PHP file: it must be what the current
// contract renders to, and the PHP must read the same rules the TypeScript applies.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  PHP_CONTRACT_COMMAND,
  PHP_CONTRACT_PATH,
  pcre,
  renderPhpContract,
} from '../../scripts/php-contract.mjs'
import * as contract from '../../src/contract/index.js'

const root = new URL('../../../', import.meta.url)
const committed = readFileSync(new URL(PHP_CONTRACT_PATH, root), 'utf8')

async function php(code: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('php', ['-r', code])
    return stdout
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw error
  }
}

describe('includes/contract.php', () => {
  it('is what the contract renders to', () => {
    const fresh = renderPhpContract(contract)
    if (committed !== fresh) {
      expect.fail(`${PHP_CONTRACT_PATH} is stale: run \`${PHP_CONTRACT_COMMAND}\` and commit it.`)
    }
  })

  it('writes patterns PCRE reads like JavaScript: $ only at the very end', () => {
    expect(pcre(/^a\/b$/)).toBe('/^a\\/b$/D')
    expect(() => pcre(/a/i)).toThrow(/flags/)
  })

  it('gives PHP the same constants and pattern results (when php is installed)', async (ctx) => {
    const tags = ['en', 'de-CH', 'en_US', 'en\n', `en${'-abcdefgh'.repeat(4)}`]
    const keys = ['k'.repeat(200), 'k'.repeat(201), 'clé', 'a b']
    const out = await php(
      `define('ABSPATH', '/'); require ${JSON.stringify(new URL(PHP_CONTRACT_PATH, root).pathname)};
       use AltTextAPI\\Contract;
       $tags = json_decode(${JSON.stringify(JSON.stringify(tags))});
       $keys = json_decode(${JSON.stringify(JSON.stringify(keys))});
       echo json_encode(array(
         'limits' => Contract::LIMITS,
         'status' => Contract::ERROR_STATUS,
         'fatal' => Contract::FATAL_ERROR_CODES,
         'context' => Contract::MAX_CONTEXT_LENGTH,
         'lines' => Contract::CONTEXT_LINES,
         'tags' => array_map(function ($t) { return strlen($t) <= Contract::LIMITS['maxLanguageTagLength'] && 1 === preg_match(Contract::BCP47_PATTERN, $t); }, $tags),
         'keys' => array_map(function ($k) { return 1 === preg_match(Contract::IDEMPOTENCY_KEY_PATTERN, $k); }, $keys),
       ));`,
    )
    if (out === undefined) {
      ctx.skip()
      return
    }
    const read = JSON.parse(out)
    expect(read.limits).toEqual(contract.LIMITS)
    expect(read.status).toEqual(contract.ERROR_STATUS)
    expect(read.fatal).toEqual([...contract.FATAL_ERROR_CODES])
    expect(read.context).toBe(contract.LIMITS.maxContextLength)
    expect(read.lines.map((line: { label: string }) => line.label)).toEqual(
      contract.CONTEXT_LINES.map((line) => line.label),
    )
    expect(read.tags).toEqual(tags.map((tag) => contract.isLanguageTag(tag)))
    expect(read.keys).toEqual(keys.map((key) => contract.IDEMPOTENCY_KEY_PATTERN.test(key)))
  })
})

describe('the WordPress plugin formats context like formatContext (when php is installed)', () => {
  const plugin = new URL('plugins/wordpress/includes/', root).pathname
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
    { heading: 'Visit us', text: ' ' },
    {},
  ]

  it('gives the same string for the same parts', async (ctx) => {
    const out = await php(
      `namespace { define('ABSPATH', '/'); function wp_strip_all_tags($s) { return strip_tags($s); } }
       namespace AltTextAPI {
         require ${JSON.stringify(`${plugin}contract.php`)};
         require ${JSON.stringify(`${plugin}class-generator.php`)};
         $cases = json_decode(${JSON.stringify(JSON.stringify(cases))}, true);
         echo json_encode(array_map(function ($c) { return Generator::build_context($c); }, $cases));
       }`,
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
