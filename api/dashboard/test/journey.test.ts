/**
 * The whole dashboard journey in a real browser against the real Worker (wrangler dev, fresh local
 * D1), with only the third parties faked over HTTP: the model provider and Stripe.
 * sign up → try an image → create and revoke a key → buy a pack (webhook delivered) → usage →
 * account changes → export → delete the account. Every page and state passes axe-core and is
 * screenshotted at 1280 and 390 px into api/dashboard/screenshots/.
 */
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { startApi, startFakeModel, startFakeStripe, tinyPng } from '@alttextapi/testkit'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { audit, axeViolations, launch } from './browser.js'

const WEBHOOK_SECRET = 'whsec_dashboard_test'
const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse battery'
const REPLY = 'A red bicycle leaning against a brick wall in the sun.'

type Api = Awaited<ReturnType<typeof startApi>>
type Model = Awaited<ReturnType<typeof startFakeModel>>
type Stripe = Awaited<ReturnType<typeof startFakeStripe>>
type Browser = Awaited<ReturnType<typeof launch>>

let api: Api
let model: Model
let stripe: Stripe
let browser: Browser
let page: Page
const problems: string[] = []
const consoleErrors: string[] = []

/** Signs a webhook payload the way Stripe does (`t=…,v1=HMAC-SHA256(secret, "t.payload")`). */
function stripeSignature(payload: string, secret: string): string {
  const t = Math.floor(Date.now() / 1000)
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')
  return `t=${t},v1=${v1}`
}

async function check(name: string): Promise<void> {
  problems.push(...(await audit(page, name)))
}

/** The session token the dashboard keeps, to ask the API what the page should show. */
async function apiAs<T>(path: string): Promise<T> {
  const token = await page.evaluate(() => sessionStorage.getItem('alttextapi.session'))
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  expect(res.status, `${path} answers`).toBe(200)
  return (await res.json()) as T
}

beforeAll(async () => {
  model = await startFakeModel({ reply: () => REPLY })
  stripe = await startFakeStripe()
  api = await startApi({
    vars: {
      OPENROUTER_API_KEY: 'sk-or-test',
      OPENROUTER_BASE_URL: model.url,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      SIGNUP_CREDITS: '10',
    },
  })
  browser = await launch()
  page = browser.page
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url })
  page.on('console', (message) => {
    // API error answers (expected in the error steps) log "Failed to load resource"; anything
    // else — a CSP violation, an exception — is a bug.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleErrors.push(message.text())
    }
  })
  page.on('pageerror', (error) => consoleErrors.push(String(error)))
})

afterAll(async () => {
  await browser?.close()
  await api?.stop()
  await model?.close()
  await stripe?.close()
})

describe('dashboard journey', () => {
  it('serves the page with a strict CSP and no inline code', async () => {
    const res = await fetch(`${api.url}/app/keys`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    const html = await res.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/) // every script is a file
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).not.toMatch(/<style/)
  })

  it('signs up, shows the first key once with a copy button', async () => {
    await page.goto(`${api.url}/`)
    await expect.poll(() => page.title()).toContain('Alt text for your images')
    await check('01-landing')

    // Errors are named at the field and announced.
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('correct the fields')
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
    await check('02-signup-errors')

    await page.getByLabel('Name (optional)').fill('Ada')
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL('**/app/welcome')
    const key = await page.locator('#new-key').inputValue()
    expect(key).toMatch(/^atk_\S{32,}$/)
    expect(await page.evaluate(() => localStorage.getItem('alttextapi.apiKey'))).toBe(key)
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await page.getByRole('button', { name: 'Copy API key' }).click()
    await expect
      .poll(() => page.locator('#announcer').textContent())
      .toContain('Copied the API key')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key)
    await check('03-welcome-key')

    // Shown once: after a reload the key is gone from the page.
    await page.reload()
    await page.waitForURL('**/app/try')
    expect(await page.locator('#new-key').count()).toBe(0)
  })

  it('tries an uploaded image and shows alt text, cost and balance', async () => {
    await page.goto(`${api.url}/app/try`)
    await page.getByRole('heading', { level: 1, name: 'Try it' }).waitFor()
    await check('04-try')

    // Submitting with nothing chosen says what to do.
    await page.getByRole('button', { name: 'Write alt text' }).click()
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('Choose an image file')

    await page
      .getByLabel('Image file')
      .setInputFiles({ name: 'bike.png', mimeType: 'image/png', buffer: Buffer.from(tinyPng(1)) })
    await page.getByLabel('Language').selectOption('de')
    await page.getByRole('button', { name: 'Write alt text' }).click()
    await page.locator('#alt-output').waitFor()
    expect(await page.locator('#alt-output').textContent()).toBe(REPLY)
    const account = await apiAs<{ credits: number }>('/v1/account')
    expect(account.credits).toBeLessThan(10)
    expect(await page.locator('#result-balance').textContent()).toBe(
      `${account.credits} credit${account.credits === 1 ? '' : 's'}`,
    )
    expect(await page.locator('#result-cost').textContent()).toBe(
      `${10 - account.credits} credit${10 - account.credits === 1 ? '' : 's'}`,
    )
    expect(await page.locator('#balance').textContent()).toContain(`${account.credits}`)
    expect(model.requests.at(-1)?.images.length).toBe(1)
    await page.getByRole('button', { name: 'Copy alt text' }).click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(REPLY)
    await check('05-try-result')

    // Model output is text, never markup, whatever the model says. Another image: the same one
    // again would be answered from reuse (no model call).
    model.setReply(() => '<img src=x onerror="window.__pwned=1">A cat <b>asleep</b> on a sofa.')
    await page
      .getByLabel('Image file')
      .setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from(tinyPng(2)) })
    await page.getByRole('button', { name: 'Write alt text' }).click()
    await expect.poll(() => page.locator('#alt-output').textContent()).toContain('asleep')
    expect(await page.locator('#alt-output *').count()).toBe(0)
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined()
    model.setReply(() => REPLY)

    // A model failure costs nothing and the message says what to do. (A third image: one
    // described before would be reused without asking the model.)
    const before = (await apiAs<{ credits: number }>('/v1/account')).credits
    model.failNext(10, { status: 500 })
    await page
      .getByLabel('Image file')
      .setInputFiles({ name: 'dog.png', mimeType: 'image/png', buffer: Buffer.from(tinyPng(3)) })
    await page.getByRole('button', { name: 'Write alt text' }).click()
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 30_000 })
      .toMatch(/Nothing was charged|Try again/)
    expect((await apiAs<{ credits: number }>('/v1/account')).credits).toBe(before)
    model.reset()
    await check('06-try-error')

    // An image URL the API will not fetch (loopback) gets a message that says what to do.
    await page.getByRole('radio', { name: 'From a URL' }).check()
    await page.getByLabel('Image URL').fill('http://127.0.0.1:9/photo.png')
    await page.getByRole('button', { name: 'Write alt text' }).click()
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 })
      .toMatch(/public|http/)
    expect((await apiAs<{ credits: number }>('/v1/account')).credits).toBe(before)
  })

  it('creates a key (shown once) and revokes one after confirmation', async () => {
    await page.getByRole('link', { name: 'API keys', exact: true }).click()
    await page.waitForURL('**/app/keys')
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor()
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(1)
    await check('07-keys')

    // A cap that is not a whole number is refused in the form, next to the field.
    await page.getByLabel('Key name').fill('CI build')
    await page.getByLabel('Daily credit cap (optional)').fill('2.5')
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.getByText('Enter a whole number from 1').waitFor()
    expect(await page.getByLabel('Daily credit cap (optional)').getAttribute('aria-invalid')).toBe(
      'true',
    )
    // Describe-only (the default scope) with a cap of 40 credits a day.
    expect(await page.getByLabel('What the key may do').inputValue()).toBe('generate')
    await page.getByLabel('Daily credit cap (optional)').fill('40')
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.locator('#created-key').waitFor()
    expect(await page.locator('#created-key').inputValue()).toMatch(/^atk_/)
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(2)
    const row = page.locator('table tbody tr', { hasText: 'CI build' })
    expect(await row.textContent()).toContain('Describe images')
    expect(await row.textContent()).toContain('40 credits')
    const created = await apiAs<{
      keys: { name: string; scope: string; dailyCreditCap: number }[]
    }>('/v1/keys')
    expect(created.keys.find((k) => k.name === 'CI build')).toMatchObject({
      scope: 'generate',
      dailyCreditCap: 40,
    })
    await check('08-keys-created')

    // Cancel first: nothing happens, focus returns to the button.
    const revoke = page.getByRole('button', { name: 'Revoke key “CI build”' })
    await revoke.click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
    await check('09-keys-revoke-dialog')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await page.locator('table tbody tr').count()).toBe(2)

    await revoke.click()
    await page.getByRole('button', { name: 'Revoke key', exact: true }).click()
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(1)
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Revoked the key' }).count())
      .toBe(1)
    const keys = await apiAs<{ keys: { name: string }[] }>('/v1/keys')
    expect(keys.keys.map((k) => k.name)).not.toContain('CI build')
  })

  it('buys a pack through Stripe Checkout; the success page waits for the webhook', async () => {
    await page.getByRole('link', { name: 'Buy credits', exact: true }).click()
    await page.getByRole('button', { name: /^Buy 500 credits for/ }).waitFor()
    await check('10-billing')
    const before = (await apiAs<{ credits: number }>('/v1/account')).credits

    await page.getByRole('button', { name: /^Buy 500 credits for/ }).click()
    await page.waitForURL(/\/c\/pay\/cs_test_/)
    const sessionId = new URL(page.url()).pathname.split('/').pop() ?? ''
    const session = stripe.sessions.get(sessionId)
    expect(session?.metadata.packId).toBe('pack_500')

    // Cancel return first.
    await page.goto(session?.cancel_url ?? '')
    await page.getByRole('heading', { name: 'Checkout cancelled' }).waitFor()
    await expect.poll(() => page.getByText(`Your balance is still ${before}`).count()).toBe(1)
    await check('11-billing-cancel')

    // Success return before the webhook: the page waits.
    const successUrl = (session?.success_url ?? '').replace('{CHECKOUT_SESSION_ID}', sessionId)
    await page.goto(successUrl)
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Waiting for Stripe' }).count())
      .toBe(1)
    await check('12-billing-success-waiting')

    const payload = JSON.stringify(stripe.event('checkout.session.completed', sessionId))
    const res = await fetch(`${api.url}/v1/billing/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripeSignature(payload, WEBHOOK_SECRET),
      },
      body: payload,
    })
    expect(res.status).toBe(200)
    await expect
      .poll(() => page.getByText('Payment confirmed: 500 credits added').count(), {
        timeout: 15_000,
      })
      .toBe(1)
    await expect.poll(() => page.getByText(`New balance: ${before + 500} credits`).count()).toBe(1)
    await check('13-billing-success')
  })

  it('shows usage with totals for a period and the credit ledger', async () => {
    await page.getByRole('link', { name: 'Usage', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Usage' }).waitFor()
    await expect.poll(() => page.locator('.totals').textContent()).toMatch(/2 images/)
    const rows = page.getByRole('region', { name: 'Generations, page 1' }).locator('tbody tr')
    expect(await rows.count()).toBe(2)
    expect(await rows.last().textContent()).toContain(REPLY)
    const ledger = page
      .getByRole('region', { name: 'Credit ledger, newest first' })
      .locator('tbody tr')
    expect(await ledger.first().textContent()).toContain('Credit pack bought')
    expect(await ledger.last().textContent()).toContain('Free credits at sign-up')
    await check('14-usage')

    // A period with nothing in it.
    await page.getByLabel('From').fill('2020-01-01')
    await page.getByLabel('To (inclusive)').fill('2020-01-31')
    await page.getByRole('button', { name: 'Show' }).click()
    await expect.poll(() => page.locator('.totals').textContent()).toMatch(/0 images/)
    expect(await page.getByText('No images were described in this period.').count()).toBe(1)
  })

  it('changes the account, objects to history, exports the data', async () => {
    await page.getByRole('link', { name: 'Account', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor()
    await check('15-account')

    const profile = page.getByRole('form', { name: 'Name and email' })
    await profile.getByLabel('Name').fill('Ada Lovelace')
    await profile.getByLabel('Current password').fill('wrong password!')
    await profile.getByRole('button', { name: 'Save name and email' }).click()
    await expect.poll(() => profile.getByRole('alert').textContent()).toContain('not correct')
    await check('16-account-error')
    await profile.getByLabel('Current password').fill(PASSWORD)
    await profile.getByRole('button', { name: 'Save name and email' }).click()
    await expect.poll(() => profile.getByRole('status').textContent()).toContain('Saved')
    expect((await apiAs<{ name: string }>('/v1/account')).name).toBe('Ada Lovelace')

    const history = page.getByRole('form', { name: 'Usage history' })
    await history.getByLabel('Keep the history of image URLs and alt text').uncheck()
    await history.getByLabel('Current password').fill(PASSWORD)
    await history.getByRole('button', { name: 'Save history setting' }).click()
    await expect.poll(() => history.getByRole('status').textContent()).toContain('History is off')
    expect((await apiAs<{ storeHistory: boolean }>('/v1/account')).storeHistory).toBe(false)

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download my data' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^alttextapi-export-\d{4}-\d{2}-\d{2}\.json$/)
    const data = JSON.parse(readFileSync((await file.path()) ?? '', 'utf8'))
    expect(data.account.email).toBe(EMAIL)
    expect(data.usage).toHaveLength(2)
    expect(data.purchases).toMatchObject([{ packId: 'pack_500', status: 'paid' }])
  })

  it('deletes the account after a typed confirmation', async () => {
    const form = page.getByRole('form', { name: 'Delete my account' })
    await form.getByLabel('Type your email address to confirm').fill('someone@else.com')
    await form.getByLabel('Password').fill(PASSWORD)
    await form.getByRole('button', { name: 'Delete my account permanently' }).click()
    await expect.poll(() => form.getByText(`Type ${EMAIL} exactly`).count()).toBe(1)
    expect((await apiAs<{ email: string }>('/v1/account')).email).toBe(EMAIL)
    await check('17-delete-error')

    await form.getByLabel('Type your email address to confirm').fill(EMAIL)
    await form.getByRole('button', { name: 'Delete my account permanently' }).click()
    await page.waitForURL(`${api.url}/`)
    await expect
      .poll(() => page.getByRole('main').getByText('Your account was deleted').count())
      .toBe(1)
    expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({})
    expect(await page.evaluate(() => ({ ...sessionStorage }))).toEqual({})
    await check('18-deleted')

    // The old login no longer works, and the message says what to do.
    await page.getByRole('link', { name: 'Log in' }).first().click()
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/\S/)
    await check('19-login-error')
  })

  it('sends guests to log in, and shows the privacy policy and a not-found page', async () => {
    await page.goto(`${api.url}/app/usage`)
    await page.waitForURL('**/login?next=%2Fapp%2Fusage')
    await expect.poll(() => page.getByText('Log in to see that page.').count()).toBe(1)

    await page.getByRole('link', { name: 'Privacy policy' }).click()
    await page.getByRole('heading', { level: 1, name: 'Privacy Policy' }).waitFor()
    expect(await page.getByText('Last updated:').count()).toBe(1)
    expect(
      await page.getByRole('link', { name: 'API documentation' }).first().getAttribute('href'),
    ).toBe('/docs')
    await check('20-privacy')

    await page.goto(`${api.url}/no/such/page`)
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor()
    await check('21-not-found')
  })

  it('after log-in, goes back to the page asked for, never to another site', async () => {
    const email = 'grace@example.com'
    const signup = await fetch(`${api.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
    expect(signup.status, await signup.clone().text()).toBe(201)
    // As a guest, whatever the steps before left.
    await page.goto(`${api.url}/privacy`)
    await page.evaluate(() => {
      sessionStorage.clear()
      localStorage.clear()
    })
    const logIn = async (next: string) => {
      await page.goto(`${api.url}/login?next=${encodeURIComponent(next)}`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Log in' }).click()
    }
    await logIn('/app/usage?from=2026-01-01')
    await page.waitForURL(`${api.url}/app/usage?from=2026-01-01`)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${api.url}/login`)
    // A backslash makes a path another host's for the URL parser (`/\evil.example` is
    // `//evil.example`); a full address is another site's: both land on the home page.
    for (const next of ['/\\evil.example/x', '//evil.example/x', 'https://evil.example/x']) {
      await logIn(next)
      await page.waitForURL(`${api.url}/app/try`)
      expect(await page.getByRole('alert').count(), next).toBe(0)
      await page.getByRole('button', { name: 'Log out' }).click()
      await page.waitForURL(`${api.url}/login`)
    }
  })

  it('has an axe check that does catch a violation (so the clean results mean something)', async () => {
    await page.evaluate(() => {
      const input = document.createElement('input')
      input.type = 'text'
      document.querySelector('main')?.append(input)
    })
    const found = await axeViolations(page)
    expect(found.some((v) => v.startsWith('label '))).toBe(true)
  })

  it('had no accessibility violations, page overflow or console errors on any page', () => {
    expect(problems).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
