import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  api,
  expectError,
  expectLedgerInvariant,
  json,
  type SignedUp,
  signup,
  type User,
  uniqueEmail,
  uniqueIp,
} from '../../test/helpers.js'

const PASSWORD = 'a long enough password'

describe('POST /v1/auth/signup', () => {
  it('creates the account with free credits through a ledger row, a session and a first key', async () => {
    const email = uniqueEmail()
    const res = await api('/v1/auth/signup', {
      json: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: '  Ada  ' },
      ip: uniqueIp(),
    })
    expect(res.status).toBe(201)
    const body = await json<Omit<SignedUp, 'email' | 'password'>>(res)
    expect(body.user).toMatchObject({ email, name: 'Ada', credits: 10, storeHistory: true })
    expect(new Date(body.user.createdAt).toISOString()).toBe(body.user.createdAt)
    expect(body.token).toMatch(/^ats_[A-Za-z0-9]{40}$/)
    expect(body.apiKey.key).toMatch(/^atk_[A-Za-z0-9]{40}$/)
    expect(body.apiKey.key.startsWith(body.apiKey.prefix)).toBe(true)
    expect(body.apiKey.lastUsedAt).toBeNull()

    const ledger = await env.DB.prepare('SELECT delta, reason FROM ledger WHERE user_id = ?')
      .bind(body.user.id)
      .all()
    expect(ledger.results).toEqual([{ delta: 10, reason: 'signup' }])
    expect(await expectLedgerInvariant(body.user.id)).toBe(10)

    // Only hashes are stored: neither the token nor the key appears in the database.
    const stored = await env.DB.prepare(
      `SELECT (SELECT token_hash FROM sessions WHERE user_id = ?1) AS session,
              (SELECT key_hash FROM api_keys WHERE user_id = ?1) AS key,
              (SELECT password_hash FROM users WHERE id = ?1) AS password`,
    )
      .bind(body.user.id)
      .first<{ session: string; key: string; password: string }>()
    expect(stored?.session).toMatch(/^[0-9a-f]{64}$/)
    expect(stored?.key).toMatch(/^[0-9a-f]{64}$/)
    expect(stored?.password).toMatch(/^\$2b\$04\$/)
    expect(JSON.stringify(stored)).not.toContain(body.token.slice(4))
    expect(JSON.stringify(stored)).not.toContain(body.apiKey.key.slice(4))

    // Both credentials work at once.
    expect((await api('/v1/account', { token: body.token })).status).toBe(200)
    expect((await api('/v1/account', { token: body.apiKey.key })).status).toBe(200)
  })

  it('refuses a short password, a bad email, wrong types and unknown fields with 400', async () => {
    const ip = uniqueIp()
    const cases: unknown[] = [
      { email: uniqueEmail(), password: 'short' },
      { email: 'not-an-email', password: PASSWORD },
      { email: 'a@b', password: PASSWORD },
      { email: 42, password: PASSWORD },
      { email: uniqueEmail(), password: ['x'] },
      { email: uniqueEmail(), password: PASSWORD, isAdmin: true },
      { email: uniqueEmail() },
      [],
      null,
      'text',
    ]
    for (const body of cases) {
      const res = await api('/v1/auth/signup', { json: body, ip })
      await expectError(res, 400, 'invalid_request')
    }
    const short = await expectError(
      await api('/v1/auth/signup', { json: { email: uniqueEmail(), password: '123456789' }, ip }),
      400,
      'invalid_request',
    )
    expect(short.error.message).toContain('password must be at least 10 characters')
    const unknown = await expectError(
      await api('/v1/auth/signup', {
        json: { email: uniqueEmail(), password: PASSWORD, role: 'admin' },
        ip,
      }),
      400,
      'invalid_request',
    )
    expect(unknown.error.message).toContain('role is not a known field')
    const same = uniqueEmail()
    await expectError(
      await api('/v1/auth/signup', { json: { email: same, password: same.toUpperCase() }, ip }),
      400,
      'invalid_request',
    )
  })

  it('refuses malformed JSON, a wrong Content-Type and huge bodies', async () => {
    const ip = uniqueIp()
    const malformed = await api('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      body: '{"email": "x@example.com", "password": ',
    })
    await expectError(malformed, 400, 'invalid_request')

    const wrongType = await api('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD }),
    })
    const wrong = await expectError(wrongType, 400, 'invalid_request')
    expect(wrong.error.message).toContain('Content-Type: application/json')

    const noBody = await api('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    await expectError(noBody, 400, 'invalid_request')

    const huge = await api('/v1/auth/signup', {
      json: { email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(200_000) },
    })
    await expectError(huge, 413, 'payload_too_large')

    // Without a Content-Length the stream is cut at the limit all the same.
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1
        if (sent > 10) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const streamed = await api('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    await expectError(streamed, 413, 'payload_too_large')

    const invalidUtf8 = await api('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    })
    await expectError(invalidUtf8, 400, 'invalid_request')
  })

  it('does not reveal that an email exists; the owner with the right password just logs in', async () => {
    const account = await signup()
    const ip = uniqueIp()
    const taken = await api('/v1/auth/signup', {
      json: { email: account.email, password: 'some other password' },
      ip,
    })
    const takenBody = await expectError(taken, 400, 'invalid_request')
    expect(takenBody.error.message).not.toMatch(/exist|taken|registered|in use/i)

    const again = await api('/v1/auth/signup', {
      json: { email: account.email.toUpperCase(), password: account.password },
      ip,
    })
    expect(again.status).toBe(200)
    const body = await json<{ user: User; token: string; apiKey?: unknown }>(again)
    expect(body.user.id).toBe(account.user.id)
    expect(body.apiKey).toBeUndefined()
    expect(body.token).not.toBe(account.token)
    const keys = await env.DB.prepare('SELECT count(*) AS n FROM api_keys WHERE user_id = ?')
      .bind(account.user.id)
      .first<{ n: number }>()
    expect(keys?.n).toBe(1)
    expect(await expectLedgerInvariant(account.user.id)).toBe(10)
  })

  it('lets only one of two simultaneous signups for one email through', async () => {
    const email = uniqueEmail('race')
    const attempts = await Promise.all(
      ['first password!', 'second password!', 'third password!'].map((password) =>
        api('/v1/auth/signup', { json: { email, password }, ip: uniqueIp() }),
      ),
    )
    const statuses = attempts.map((res) => res.status).sort()
    expect(statuses).toEqual([201, 400, 400])
    for (const res of attempts.filter((r) => r.status === 400)) {
      await expectError(res, 400, 'invalid_request')
    }
    const users = await env.DB.prepare('SELECT id FROM users WHERE email = ?')
      .bind(email)
      .all<{ id: string }>()
    expect(users.results).toHaveLength(1)
    expect(await expectLedgerInvariant(users.results[0]?.id ?? '')).toBe(10)
  })

  it('counts signups against a taken email toward the throttle', async () => {
    const account = await signup()
    const ip = uniqueIp()
    for (let i = 0; i < 5; i++) {
      const res = await api('/v1/auth/signup', {
        json: { email: account.email, password: `wrong password ${i}` },
        ip,
      })
      await expectError(res, 400, 'invalid_request')
    }
    const blocked = await api('/v1/auth/signup', {
      json: { email: account.email, password: account.password },
      ip,
    })
    await expectError(blocked, 429, 'rate_limited')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('creates at most SIGNUP_LIMIT_PER_HOUR accounts (default 10) per network per hour', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < 10; i++) {
      const res = await api('/v1/auth/signup', {
        json: { email: uniqueEmail('farm'), password: PASSWORD },
        ip,
      })
      expect(res.status).toBe(201)
    }
    const email = uniqueEmail('farm')
    const refused = await api('/v1/auth/signup', { json: { email, password: PASSWORD }, ip })
    await expectError(refused, 429, 'rate_limited')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // Nothing was created for the refused attempt, and another network is not affected.
    const row = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first()
    expect(row).toBeNull()
    const elsewhere = await api('/v1/auth/signup', {
      json: { email: uniqueEmail('farm'), password: PASSWORD },
      ip: uniqueIp(),
    })
    expect(elsewhere.status).toBe(201)
  })

  it('counts an IPv6 /64 as one network, keyed by an HMAC with THROTTLE_SECRET', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(4))
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0'))
    const prefix = `2001:db8:${hex[0]}${hex[1]}:${hex[2]}${hex[3]}`
    // Ten addresses of one /64, written every way IPv6 allows.
    for (let i = 1; i <= 10; i++) {
      const ip = i % 2 ? `${prefix}::${i.toString(16)}` : `${prefix.toUpperCase()}:0:0:${i}:1`
      const res = await api('/v1/auth/signup', {
        json: { email: uniqueEmail('v6'), password: PASSWORD },
        ip,
      })
      expect(res.status, ip).toBe(201)
    }
    const refused = await api('/v1/auth/signup', {
      json: { email: uniqueEmail('v6'), password: PASSWORD },
      ip: `${prefix}:ffff:ffff:ffff:ffff`,
    })
    await expectError(refused, 429, 'rate_limited')
    // The next /64 is another customer.
    const [a, b] = prefix.split(':').slice(2)
    const next = `2001:db8:${a}:${((Number.parseInt(b ?? '0', 16) + 1) % 0x10000).toString(16)}::1`
    const other = await api('/v1/auth/signup', {
      json: { email: uniqueEmail('v6'), password: PASSWORD },
      ip: next,
    })
    expect(other.status).toBe(201)
    // The counter's name is an HMAC of the network under the secret: not the address, and not a
    // bare SHA-256 of it, which anyone could compute.
    const network = `${prefix
      .split(':')
      .map((group) => Number.parseInt(group, 16).toString(16))
      .join(':')}::/64`
    const secret = env.THROTTLE_SECRET ?? ''
    expect(secret.length).toBeGreaterThan(0)
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const hexOf = (buffer: ArrayBuffer) =>
      [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
    const mac = hexOf(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(network)))
    const bare = hexOf(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(network)))
    const row = await env.DB.prepare('SELECT count FROM rate_limits WHERE key = ?')
      .bind(`signup:ip:${mac}`)
      .first<{ count: number }>()
    expect(row?.count).toBe(11)
    const { results } = await env.DB.prepare(
      'SELECT key FROM rate_limits WHERE instr(key, ?) OR instr(key, ?) OR instr(key, ?)',
    )
      .bind(bare, prefix, network)
      .all()
    expect(results).toEqual([])
  })
})

describe('POST /v1/auth/login', () => {
  it('returns a new session for the right password, with the email in any case', async () => {
    const account = await signup()
    const res = await api('/v1/auth/login', {
      json: { email: ` ${account.email.toUpperCase()}`, password: account.password },
      ip: uniqueIp(),
    })
    expect(res.status).toBe(200)
    const body = await json<{ user: User; token: string }>(res)
    expect(body.user).toEqual(account.user)
    expect(body.token).toMatch(/^ats_/)
    expect(body.token).not.toBe(account.token)
    const me = await api('/v1/account', { token: body.token })
    expect(await json(me)).toEqual(account.user)
  })

  it('answers an unknown email and a wrong password alike', async () => {
    const account = await signup()
    const ip = uniqueIp()
    const wrong = await api('/v1/auth/login', {
      json: { email: account.email, password: 'not the password' },
      ip,
    })
    const unknown = await api('/v1/auth/login', {
      json: { email: uniqueEmail('nobody'), password: 'not the password' },
      ip,
    })
    const a = await expectError(wrong, 401, 'unauthorized')
    const b = await expectError(unknown, 401, 'unauthorized')
    expect(a).toEqual(b)
    expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort())
  })

  it('throttles failed logins per email with 429 and Retry-After, even for the right password', async () => {
    const account = await signup()
    for (let i = 0; i < 5; i++) {
      const res = await api('/v1/auth/login', {
        json: { email: account.email, password: `guess number ${i}` },
        ip: uniqueIp(),
      })
      await expectError(res, 401, 'unauthorized')
    }
    const blocked = await api('/v1/auth/login', {
      json: { email: account.email, password: account.password },
      ip: uniqueIp(),
    })
    await expectError(blocked, 429, 'rate_limited')
    const retryAfter = Number(blocked.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)
    // The counters keep a hash, never the address itself.
    const { results } = await env.DB.prepare('SELECT key FROM rate_limits').all<{ key: string }>()
    expect(results.some((row) => row.key.startsWith('login:email:'))).toBe(true)
    expect(results.some((row) => row.key.includes('@') || /\d+\.\d+\.\d+\.\d+/.test(row.key))).toBe(
      false,
    )

    // An unknown email is throttled the same way, so 429 tells nothing about existence.
    const nobody = uniqueEmail('nobody')
    for (let i = 0; i < 5; i++) {
      await api('/v1/auth/login', { json: { email: nobody, password: 'guess' }, ip: uniqueIp() })
    }
    const blockedUnknown = await api('/v1/auth/login', {
      json: { email: nobody, password: 'guess' },
      ip: uniqueIp(),
    })
    await expectError(blockedUnknown, 429, 'rate_limited')
  })

  it('resets the per-email count after a successful login', async () => {
    const account = await signup()
    const ip = uniqueIp()
    for (let i = 0; i < 4; i++) {
      await api('/v1/auth/login', { json: { email: account.email, password: 'wrong one!' }, ip })
    }
    const ok = await api('/v1/auth/login', {
      json: { email: account.email, password: account.password },
      ip,
    })
    expect(ok.status).toBe(200)
    for (let i = 0; i < 4; i++) {
      const res = await api('/v1/auth/login', {
        json: { email: account.email, password: 'wrong two!' },
        ip,
      })
      await expectError(res, 401, 'unauthorized')
    }
  })

  it('throttles failed logins per IP across emails', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < 30; i++) {
      const res = await api('/v1/auth/login', {
        json: { email: uniqueEmail('spray'), password: 'password123' },
        ip,
      })
      expect(res.status).toBe(401)
    }
    const blocked = await api('/v1/auth/login', {
      json: { email: uniqueEmail('spray'), password: 'password123' },
      ip,
    })
    await expectError(blocked, 429, 'rate_limited')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Signing up from that address is held back too, and another address is not affected.
    const signupBlocked = await api('/v1/auth/signup', {
      json: { email: uniqueEmail(), password: PASSWORD },
      ip,
    })
    await expectError(signupBlocked, 429, 'rate_limited')
    const other = await api('/v1/auth/signup', {
      json: { email: uniqueEmail(), password: PASSWORD },
      ip: uniqueIp(),
    })
    expect(other.status).toBe(201)
  })

  it('holds simultaneous guesses to the per-email budget (no check-then-count race)', async () => {
    const account = await signup()
    // 20 wrong guesses at once, each from its own address: only the email budget applies.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('/v1/auth/login', {
          json: { email: account.email, password: `parallel guess ${i}` },
          ip: uniqueIp(),
        }).then((res) => res.status),
      ),
    )
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true)
    // The same race on the other password checks: sign-up with a taken email, PATCH, DELETE.
    const other = await signup()
    const mixed = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        api('/v1/auth/signup', {
          json: { email: other.email, password: `parallel signup ${i}` },
          ip: uniqueIp(),
        }),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        api('/v1/account', {
          method: 'PATCH',
          json: { currentPassword: `parallel patch ${i}`, name: 'x' },
          token: other.token,
          ip: uniqueIp(),
        }),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        api('/v1/account', {
          method: 'DELETE',
          json: { password: `parallel delete ${i}` },
          token: other.token,
          ip: uniqueIp(),
        }),
      ),
    ])
    const refused = mixed.filter((res) => res.status === 400 || res.status === 403).length
    expect(refused).toBeLessThanOrEqual(5)
    expect(mixed.filter((res) => res.status === 429).length).toBe(18 - refused)
  })

  it('still lets the right password in after a few failures, and counts IP failures only', async () => {
    const account = await signup()
    const ip = uniqueIp()
    for (let i = 0; i < 29; i++) {
      const res = await api('/v1/auth/login', {
        json: { email: uniqueEmail('spray'), password: 'password123' },
        ip,
      })
      expect(res.status).toBe(401)
    }
    // Successful logins from that address do not use up its failure budget.
    for (let i = 0; i < 3; i++) {
      const ok = await api('/v1/auth/login', {
        json: { email: account.email, password: account.password },
        ip,
      })
      expect(ok.status).toBe(200)
    }
    await expectError(
      await api('/v1/auth/login', { json: { email: uniqueEmail('spray'), password: 'x' }, ip }),
      401,
      'unauthorized',
    )
    await expectError(
      await api('/v1/auth/login', { json: { email: uniqueEmail('spray'), password: 'x' }, ip }),
      429,
      'rate_limited',
    )
  })

  it('rehashes a password stored at another bcrypt cost', async () => {
    const account = await signup()
    const bcrypt = (await import('bcryptjs')).default
    await env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?')
      .bind(await bcrypt.hash(account.password, 5), account.user.id)
      .run()
    const res = await api('/v1/auth/login', {
      json: { email: account.email, password: account.password },
      ip: uniqueIp(),
    })
    expect(res.status).toBe(200)
    const row = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?')
      .bind(account.user.id)
      .first<{ password_hash: string }>()
    expect(row?.password_hash).toMatch(/^\$2b\$04\$/)
  })
})

describe('passwords', () => {
  it('accepts long and non-ASCII passwords up to the limit and refuses longer ones', async () => {
    for (const password of [
      'ü'.repeat(256),
      'パスワード🔑🔑🔑🔑🔑🔑',
      `${'x'.repeat(100)} spaces `,
    ]) {
      const account = await signup({ password })
      const res = await api('/v1/auth/login', {
        json: { email: account.email, password },
        ip: uniqueIp(),
      })
      expect(res.status).toBe(200)
    }
    await expectError(
      await api('/v1/auth/signup', {
        json: { email: uniqueEmail(), password: 'x'.repeat(257) },
        ip: uniqueIp(),
      }),
      400,
      'invalid_request',
    )
    await expectError(
      await api('/v1/auth/login', {
        json: { email: uniqueEmail(), password: 'x'.repeat(257) },
        ip: uniqueIp(),
      }),
      400,
      'invalid_request',
    )
  })
})

describe('POST /v1/auth/logout', () => {
  it('ends the session at once and leaves other sessions alone', async () => {
    const account = await signup()
    const second = await json<{ token: string }>(
      await api('/v1/auth/login', {
        json: { email: account.email, password: account.password },
        ip: uniqueIp(),
      }),
    )
    const res = await api('/v1/auth/logout', { method: 'POST', token: account.token })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    await expectError(await api('/v1/account', { token: account.token }), 401, 'unauthorized')
    await expectError(
      await api('/v1/auth/logout', { method: 'POST', token: account.token }),
      401,
      'unauthorized',
    )
    expect((await api('/v1/account', { token: second.token })).status).toBe(200)
  })

  it('needs a session, not an API key', async () => {
    const account = await signup()
    const res = await api('/v1/auth/logout', { method: 'POST', token: account.apiKey.key })
    const body = await expectError(res, 401, 'unauthorized')
    expect(body.error.message).toMatch(/session/)
    await expectError(await api('/v1/auth/logout', { method: 'POST' }), 401, 'unauthorized')
  })
})
