import { describe, expect, it } from 'vitest'
import { clientNetwork } from './login-throttle.js'

describe('clientNetwork', () => {
  it('reduces IPv6 addresses to their /64, however they are written', () => {
    for (const address of [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:db8:1:2:3:4:5:6%eth0',
      '2001:db8:1:2:3:4:1.2.3.4',
    ]) {
      expect(clientNetwork(address), address).toBe('2001:db8:1:2::/64')
    }
    expect(clientNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(clientNetwork('2001:db8::')).toBe('2001:db8:0:0::/64')
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64')
  })

  it('keeps IPv4 addresses whole, also IPv4-mapped ones, and leaves garbage as it is', () => {
    expect(clientNetwork('192.0.2.1')).toBe('192.0.2.1')
    expect(clientNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(clientNetwork('0:0:0:0:0:ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(clientNetwork('unknown')).toBe('unknown')
    expect(clientNetwork('1:::2')).toBe('1:::2')
    expect(clientNetwork('1:2:3')).toBe('1:2:3')
  })
})
