// The WordPress plugin flags alt text with the same rules as core's lintAlt: its Alt_Lint reads
// the patterns and the limit from the generated contract.json and must find the same rules on
// the same alt text (true and false positives).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { lintAlt } from '../../src/node/alt-lint.js'

const includes = new URL('../../../plugins/wordpress/includes/', import.meta.url).pathname

/** Alt text, the image's file name and caption; each the same to both sides. */
const cases: { alt: string; src?: string; caption?: string }[] = [
  { alt: 'IMG_2041.jpg' },
  { alt: 'https://example.com/a.png' },
  { alt: '//cdn.example.com/x' },
  { alt: 'harbour-lights', src: '/uploads/harbour-lights' },
  { alt: 'Harbour lights at dusk', src: '/uploads/harbour-lights.jpg' },
  { alt: 'image' },
  { alt: 'Photo.' },
  { alt: 'DSC 0042' },
  { alt: 'Logo' },
  { alt: 'Logo of the Acme bakery' },
  { alt: 'Image of a red bicycle' },
  { alt: 'A picture of the team' },
  { alt: 'Imagery of the coast' },
  { alt: 'Our new shop', caption: 'Our  new\nshop' },
  { alt: 'Our new shop on Main Street', caption: 'Our new shop' },
  { alt: 'x'.repeat(150) },
  { alt: 'x'.repeat(151) },
  { alt: '😀'.repeat(76) },
  { alt: 'Ünïcödé ÄLT', caption: 'ünïcödé  ält' },
  { alt: '' },
  { alt: 'A baker lifts a tray of bread from the oven' },
]

/** Rule ids PHP's Alt_Lint finds for each case; undefined when php is not installed. */
async function phpRules(): Promise<string[][] | undefined> {
  const program = `namespace {
      define('ABSPATH', '/');
      function wp_json_file_decode($file, $options) { return json_decode(file_get_contents($file), true); }
      function __($text, $domain) { return $text; }
    }
    namespace AltTextAPI {
      require ${JSON.stringify(`${includes}class-contract.php`)};
      require ${JSON.stringify(`${includes}class-alt-lint.php`)};
      $cases = json_decode(${JSON.stringify(JSON.stringify(cases))}, true);
      echo json_encode(array_map(function ($c) {
        return array_column(Alt_Lint::check($c['alt'], $c['src'] ?? '', $c['caption'] ?? ''), 'rule');
      }, $cases));
    }`
  try {
    const { stdout } = await promisify(execFile)('php', ['-r', program])
    return JSON.parse(stdout)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw error
  }
}

describe('the WordPress plugin lints alt text like lintAlt (when php is installed)', () => {
  it('finds the same rules on the same alt text', async (ctx) => {
    const php = await phpRules()
    if (php === undefined) {
      ctx.skip()
      return
    }
    const expected = cases.map(({ alt, src, caption }) =>
      lintAlt(alt, { src, caption }).map((problem) => problem.rule),
    )
    expect(php).toEqual(expected)
    // The cases cover every rule both sides share, and alt text that breaks none.
    const found = new Set(expected.flat())
    for (const rule of [
      'file-name',
      'placeholder',
      'redundant-prefix',
      'repeats-caption',
      'too-long',
    ])
      expect(found).toContain(rule)
    expect(expected.filter((rules) => rules.length === 0).length).toBeGreaterThan(3)
  })
})
