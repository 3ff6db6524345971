/**
 * The dashboard's entry point. Routes (History API; see README):
 *   /                 landing + sign up          /login            log in
 *   /app/welcome      first API key, once        /app/try          try it
 *   /app/keys         API keys                   /app/usage        usage, credits, ledger
 *   /app/billing      buy credits                /billing/success  Stripe return (paid)
 *   /billing/cancel   Stripe return (cancelled)  /app/account      account and privacy rights
 *   /privacy          privacy policy
 */
import { setSessionEndedHandler } from './api.js'
import { navigate, type Route, startRouter } from './router.js'
import { loadUser, renderNav, setUser } from './session.js'
import { store } from './store.js'
import { account } from './views/account.js'
import { landing, login, welcome } from './views/auth.js'
import { buy, cancel, success } from './views/billing.js'
import { keys } from './views/keys.js'
import { notFound } from './views/not-found.js'
import { privacy } from './views/privacy.js'
import { tryIt } from './views/try.js'
import { usage } from './views/usage.js'

const routes: Record<string, Route> = {
  '/': landing,
  '/login': login,
  '/privacy': privacy,
  '/app': tryIt,
  '/app/welcome': welcome,
  '/app/try': tryIt,
  '/app/keys': keys,
  '/app/usage': usage,
  '/app/billing': buy,
  '/app/account': account,
  '/billing/success': success,
  '/billing/cancel': cancel,
}

setSessionEndedHandler(() => {
  // The server no longer knows this session: forget it (and the key with it) and ask to log in.
  const next = location.pathname + location.search
  store.session = null
  store.apiKey = null
  setUser(null)
  navigate(`/login?next=${encodeURIComponent(next)}`, {
    flash: 'Your session has ended. Log in again to continue.',
    replace: true,
  })
})

startRouter(routes, notFound, (path) => renderNav(path))
void loadUser()
