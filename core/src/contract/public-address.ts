/**
 * Which addresses are public: the one rule the API (image URLs, where Workers have no DNS API)
 * and the build plugins (downloads, where Node resolves names) share. It works on the host as
 * written: IP literals in every notation a URL parser or `inet_aton` accepts (decimal
 * `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, IPv4-mapped IPv6 `[::ffff:127.0.0.1]`, …) and
 * names that are local by definition (`localhost`, `*.local`, `*.internal`, single-label names).
 * A public name that resolves to a private address is caught by `isPublicAddress` on the resolved
 * address (Node clients do; on Cloudflare's network such requests cannot reach private ranges).
 */

/** Why a host is refused, or undefined when it may be fetched. */
export function refusedHost(hostname: string): string | undefined {
  let host = hostname.trim().toLowerCase()
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  while (host.endsWith('.')) host = host.slice(0, -1)
  if (!host) return 'The image URL has no host.'
  if (host.includes(':')) {
    const v6 = parseIPv6(host)
    if (!v6) return 'The image URL has an invalid IPv6 address.'
    return privateIPv6(v6)
      ? 'The image URL points at a private, local or reserved address.'
      : undefined
  }
  const v4 = parseIPv4(host)
  if (v4 !== undefined)
    return privateIPv4(v4)
      ? 'The image URL points at a private, local or reserved address.'
      : undefined
  if (LOCAL_NAMES.test(host)) return 'The image URL points at a local host name.'
  // A name without a dot resolves through local search domains (e.g. http://metadata/).
  if (!host.includes('.')) return 'The image URL needs a fully qualified public host name.'
  return undefined
}

const LOCAL_NAMES = /(?:^|\.)(?:localhost|local|localdomain|internal|intranet|lan|home\.arpa|corp)$/

/**
 * Parses an IPv4 address the way `inet_aton` (and the URL standard) do: 1–4 parts, each decimal,
 * octal (leading 0) or hex (0x), the last part filling the remaining bytes. Returns the 32-bit
 * value, or undefined when `host` is not an IPv4 literal.
 */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split('.')
  if (parts.length > 4 || parts.some((part) => part === '')) return undefined
  const values: number[] = []
  for (const part of parts) {
    let value: number
    if (/^0x[0-9a-f]*$/i.test(part))
      value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16)
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8)
    else if (/^(?:0|[1-9]\d*)$/.test(part)) value = Number(part)
    else return undefined
    if (!Number.isSafeInteger(value)) return undefined
    values.push(value)
  }
  const last = values.pop() ?? 0
  if (values.some((value) => value > 255)) return undefined
  const lastBytes = 4 - values.length
  if (last >= 2 ** (8 * lastBytes)) return undefined
  let result = 0
  for (const value of values) result = result * 256 + value
  return result * 2 ** (8 * lastBytes) + last
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into 8 16-bit groups. */
export function parseIPv6(input: string): number[] | undefined {
  let host = input
  const zone = host.indexOf('%')
  if (zone >= 0) host = host.slice(0, zone)
  const lastColon = host.lastIndexOf(':')
  const maybeV4 = host.slice(lastColon + 1)
  if (maybeV4.includes('.')) {
    // A dotted IPv4 tail becomes the last two groups.
    if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(maybeV4)) return undefined
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = maybeV4.split('.').map(Number)
    if ([b0, b1, b2, b3].some((byte) => byte > 255)) return undefined
    host = `${host.slice(0, lastColon + 1)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`
  }
  const halves = host.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const head = parse(halves[0] ?? '')
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : []
  const groups = [...head, ...rest]
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined
  if (halves.length === 1 ? groups.length !== 8 : groups.length > 7) return undefined
  const toNumbers = (list: string[]) => list.map((group) => Number.parseInt(group, 16))
  const fill = new Array<number>(8 - groups.length).fill(0)
  return [...toNumbers(head), ...fill, ...toNumbers(rest)]
}

const inRange = (ip: number, base: string, bits: number) => {
  const start = parseIPv4(base) ?? 0
  const size = 2 ** (32 - bits)
  return ip >= start && ip < start + size
}

/** Loopback, private (RFC 1918), CGNAT, link-local (metadata), multicast, reserved, documentation. */
const V4_BLOCKS: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
]

/** True for IPv4 addresses that must not be fetched. */
export function privateIPv4(ip: number): boolean {
  return V4_BLOCKS.some(([base, bits]) => inRange(ip, base, bits))
}

/** True for IPv6 addresses that must not be fetched (including IPv4 embedded in them). */
export function privateIPv6(groups: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups
  const embedded = g * 65536 + h
  const zeroTo = (n: number) => groups.slice(0, n).every((group) => group === 0)
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeroTo(6)) return true
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d
  if (zeroTo(5) && f === 0xffff) return privateIPv4(embedded)
  if (zeroTo(4) && e === 0xffff && f === 0) return privateIPv4(embedded)
  // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
  if (a === 0x64 && b === 0xff9b) return c === 1 || privateIPv4(embedded)
  // 6to4 2002::/16 embeds an IPv4 address in groups 2–3.
  if (a === 0x2002) return privateIPv4(b * 65536 + c)
  // Teredo 2001::/32 hides the client address; refuse it.
  if (a === 0x2001 && b === 0) return true
  // Documentation 2001:db8::/32, discard 100::/64
  if (a === 0x2001 && b === 0x0db8) return true
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return true
  // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8
  if ((a & 0xfe00) === 0xfc00) return true
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return true
  if ((a & 0xff00) === 0xff00) return true
  return false
}

/** True when the resolved address `ip` (as `dns.lookup` gives it, v4 or v6) may be fetched. */
export function isPublicAddress(ip: string): boolean {
  if (ip.includes(':')) {
    const v6 = parseIPv6(ip)
    return v6 !== undefined && !privateIPv6(v6)
  }
  const v4 = parseIPv4(ip)
  return v4 !== undefined && !privateIPv4(v4)
}

/**
 * A host name as `allowHosts` compares it: lower case, an IPv6 literal without its brackets
 * (`[::1]` and `::1` are the same host).
 */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '')
}
