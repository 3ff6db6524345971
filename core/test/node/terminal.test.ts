/** Text printed to terminals and CI logs cannot drive them. */
import { describe, expect, it } from 'vitest'
import { displaySource, sanitizeForTerminal } from '../../src/node/index.js'

describe('sanitizeForTerminal', () => {
  it('removes ANSI escapes and OSC sequences', () => {
    expect(sanitizeForTerminal('\u001b[31mred\u001b[0m \u001b]8;;http://x\u0007link')).toBe(
      'red link',
    )
    expect(sanitizeForTerminal('a\u009b2Jb')).toBe('ab')
  })

  it('turns line breaks and other controls into spaces: no injected CI annotation', () => {
    const out = sanitizeForTerminal('cat.png\n::error file=x::pwned\r\u0007')
    expect([...out].some((c) => c < ' ')).toBe(false)
    expect(out.startsWith('::')).toBe(false)
  })

  it('neutralises a leading workflow command and bidi overrides', () => {
    expect(sanitizeForTerminal('::error::x')).not.toMatch(/^::/)
    expect(sanitizeForTerminal('a\u202eb')).toBe('a b')
  })

  it('leaves ordinary text alone', () => {
    expect(sanitizeForTerminal('Café: 3 images — done')).toBe('Café: 3 images — done')
  })
})

describe('displaySource', () => {
  it('shortens data: URLs to their type and size', () => {
    const src = `data:image/png;base64,${'A'.repeat(5000)}`
    expect(displaySource(src)).toBe('data:image/png;base64,… (5000 chars)')
  })

  it('cuts long sources and sanitises', () => {
    expect(displaySource(`/${'a'.repeat(200)}`, 20)).toHaveLength(20)
    expect(displaySource('/img/\u001b[2Ja.png')).toBe('/img/a.png')
  })
})
