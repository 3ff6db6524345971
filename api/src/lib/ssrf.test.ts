import { describe, expect, it } from 'vitest'
import { checkImageUrl } from './fetch-image.js'
import { parseIPv4, parseIPv6, refusedHost } from './ssrf.js'

const refused = (url: string) => {
  try {
    checkImageUrl(url, false)
    return undefined
  } catch (error) {
    return (error as { code: string }).code
  }
}

describe('SSRF host checks', () => {
  it('parses IPv4 in every inet_aton notation', () => {
    expect(parseIPv4('127.0.0.1')).toBe(0x7f000001)
    expect(parseIPv4('2130706433')).toBe(0x7f000001)
    expect(parseIPv4('0x7f000001')).toBe(0x7f000001)
    expect(parseIPv4('0177.0.0.1')).toBe(0x7f000001)
    expect(parseIPv4('0x7f.1')).toBe(0x7f000001)
    expect(parseIPv4('127.1')).toBe(0x7f000001)
    expect(parseIPv4('example.com')).toBeUndefined()
    expect(parseIPv4('256.0.0.1')).toBeUndefined()
  })

  it('parses IPv6 including IPv4 tails', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
    expect(parseIPv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
    expect(parseIPv6('2606:4700::1111')).toEqual([0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111])
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(parseIPv6('1::2::3')).toBeUndefined()
    expect(parseIPv6('12345::')).toBeUndefined()
  })

  it.each([
    'localhost',
    'LOCALHOST.',
    'api.localhost',
    'printer.local',
    'metadata.google.internal',
    'intranet',
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '2130706433',
    '0x7f.1',
    '0177.0.0.1',
    '[::1]',
    '[::]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::ffff:169.254.169.254]',
    '[fd00::1]',
    '[fc12:3456::1]',
    '[fe80::1]',
    '[ff02::1]',
    '[64:ff9b::a00:1]',
    '[2002:c0a8:101::1]',
  ])('refuses %s', (host) => {
    expect(refusedHost(host)).toBeTypeOf('string')
  })

  it.each([
    'example.com',
    'images.example.org',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '[2606:4700:4700::1111]',
    '[::ffff:8.8.8.8]',
  ])('allows %s', (host) => {
    expect(refusedHost(host)).toBeUndefined()
  })

  it('refuses URLs by what the URL parser makes of them', () => {
    expect(refused('http://2130706433/cat.png')).toBe('image_fetch_failed')
    expect(refused('http://0x7f.0.0.1/cat.png')).toBe('image_fetch_failed')
    expect(refused('http://[::ffff:127.0.0.1]/cat.png')).toBe('image_fetch_failed')
    expect(refused('http://169.254.169.254/latest/meta-data/')).toBe('image_fetch_failed')
    expect(refused('http://localhost:8787/cat.png')).toBe('image_fetch_failed')
    expect(refused('ftp://example.com/cat.png')).toBe('invalid_request')
    expect(refused('file:///etc/passwd')).toBe('invalid_request')
    expect(refused('http://user:pw@example.com/cat.png')).toBe('invalid_request')
    expect(refused('https://example.com/cat.png')).toBeUndefined()
  })

  it('lets ALLOW_PRIVATE_IMAGE_URLS lift only the address check', () => {
    expect(() => checkImageUrl('http://127.0.0.1:9/cat.png', true)).not.toThrow()
    expect(() => checkImageUrl('file:///etc/passwd', true)).toThrow()
  })
})
