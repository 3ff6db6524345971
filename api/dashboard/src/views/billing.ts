/** Buying credits: the packs, the redirect to Stripe Checkout, and the two return pages. */
import type { Pack } from '@alttextapi/core'
import { api } from '../api.js'
import { h } from '../dom.js'
import { credits, money } from '../format.js'
import { errorMessage } from '../messages.js'
import { link, type Route } from '../router.js'
import { loadUser, setBalance } from '../session.js'
import { messageBox } from '../ui/status.js'

/** The "Buy credits" page. */
export const buy: Route = {
  title: 'Buy credits',
  access: 'user',
  async render() {
    const box = messageBox()
    const user = await loadUser(true)
    let packs: Pack[] = []
    try {
      packs = (await api.packs()).packs
    } catch (error) {
      box.error(`The credit packs could not be loaded. ${errorMessage(error)}`)
    }
    let busy = false
    const buyPack = async (pack: Pack, button: HTMLButtonElement) => {
      if (busy) return
      busy = true
      button.setAttribute('aria-busy', 'true')
      box.info('Opening Stripe Checkout…')
      try {
        const { url } = await api.checkout(pack.id)
        location.assign(url)
      } catch (error) {
        box.error(errorMessage(error))
        busy = false
        button.removeAttribute('aria-busy')
      }
    }
    const smallest = packs[0]
    // Fractions of a cent: a discount would vanish if rounded to whole cents.
    const perCredit = (pack: Pack) => money(pack.amount / pack.credits, pack.currency, 2)
    return h(
      'div',
      null,
      h('h1', null, 'Buy credits'),
      user ? h('p', { class: 'balance-big' }, `Balance: ${credits(user.credits)}`) : null,
      h(
        'p',
        { class: 'lead' },
        'One credit describes one image with the default model; some models cost more (see Try it). You pay on the Stripe checkout page: we never see your card.',
      ),
      box.el,
      h(
        'ul',
        { class: 'packs' },
        packs.map((pack) => {
          const label = `Buy ${credits(pack.credits)} for ${money(pack.amount, pack.currency)}`
          const button = h('button', { type: 'button', class: 'button' }, label)
          button.addEventListener('click', () => void buyPack(pack, button))
          const saving =
            smallest &&
            pack !== smallest &&
            pack.amount / pack.credits < smallest.amount / smallest.credits
              ? Math.round(
                  (1 - pack.amount / pack.credits / (smallest.amount / smallest.credits)) * 100,
                )
              : 0
          return h(
            'li',
            { class: 'card pack' },
            h('h2', null, credits(pack.credits)),
            h('p', { class: 'price' }, money(pack.amount, pack.currency)),
            h(
              'p',
              { class: 'muted' },
              `${perCredit(pack)} per credit${saving > 0 ? ` · save ${saving}%` : ''}`,
            ),
            button,
          )
        }),
      ),
    )
  },
}

const POLL_MS = 1500
const POLL_LIMIT_MS = 45_000

/**
 * Stripe's return after payment. Credits arrive with the webhook, which may land before or after
 * the browser does, so the page waits for the purchase to turn paid: it follows the Checkout
 * Session Stripe names in `?session_id=` through `GET /v1/billing/checkout/:sessionId`.
 */
export const success: Route = {
  title: 'Payment received',
  access: 'user',
  async render({ query }) {
    const sessionId = query.get('session_id')?.trim() ?? ''
    const status = h(
      'p',
      { class: 'message message-info', role: 'status' },
      'Waiting for Stripe to confirm the payment…',
    )
    const balance = h('p', { class: 'balance-big', 'aria-live': 'polite' })
    const wrap = h(
      'div',
      null,
      h('h1', null, 'Thank you for your purchase'),
      status,
      balance,
      h(
        'p',
        null,
        link('/app/try', 'Try it'),
        ' · ',
        link('/app/usage', 'See usage and the credit ledger'),
      ),
    )
    if (!sessionId) {
      status.className = 'message message-error'
      status.textContent =
        'This page was opened without a checkout session to follow. The credit ledger on the Usage page lists every purchase.'
      return wrap
    }
    const started = Date.now()
    const check = async (): Promise<boolean> => {
      const data = await api.checkoutStatus(sessionId)
      setBalance(data.balance)
      if (data.status === 'paid') {
        status.className = 'message message-success'
        status.textContent = `Payment confirmed: ${credits(data.credits)} added to your account.`
        balance.textContent = `New balance: ${credits(data.balance)}`
        return true
      }
      balance.textContent = `Current balance: ${credits(data.balance)}`
      return false
    }
    const poll = async () => {
      try {
        if (await check()) return
      } catch (error) {
        status.className = 'message message-error'
        status.textContent = errorMessage(error)
        return
      }
      if (Date.now() - started > POLL_LIMIT_MS) {
        status.textContent =
          'Stripe has not confirmed the payment yet. This can take a few minutes: reload this page later, or check the credit ledger on the Usage page. You will not be charged twice.'
        return
      }
      // Stop when the user has moved on to another page.
      if (wrap.isConnected) setTimeout(() => void poll(), POLL_MS)
    }
    // After this render's content is in the page (the router inserts it before timers run).
    setTimeout(() => void poll(), 0)
    return wrap
  },
}

/** Stripe's return when the buyer cancels. */
export const cancel: Route = {
  title: 'Checkout cancelled',
  access: 'user',
  async render() {
    const user = await loadUser(true)
    return h(
      'div',
      null,
      h('h1', null, 'Checkout cancelled'),
      h('p', null, 'No payment was taken and nothing changed on your account.'),
      user
        ? h('p', { class: 'balance-big' }, `Your balance is still ${credits(user.credits)}.`)
        : null,
      h('p', null, link('/app/billing', 'Choose a pack again', { class: 'button' })),
    )
  },
}
