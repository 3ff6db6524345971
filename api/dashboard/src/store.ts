/**
 * What the dashboard keeps in the browser, and no cookies. The privacy policy promises that
 * localStorage holds the API key (used by "Try it") and the account email — so those two live
 * there. The session token is kept in sessionStorage instead: it lasts as long as the tab, and
 * closing the tab logs out. Logging out or deleting the account removes all three.
 */

const KEYS = {
  session: 'alttextapi.session',
  apiKey: 'alttextapi.apiKey',
  email: 'alttextapi.email',
} as const

type Name = keyof typeof KEYS

const storage = (name: Name): Storage => (name === 'session' ? sessionStorage : localStorage)

function read(name: Name): string | null {
  try {
    return storage(name).getItem(KEYS[name])
  } catch {
    // Storage can be disabled (private modes, policies): behave as logged out.
    return null
  }
}

function write(name: Name, value: string | null): void {
  try {
    if (value === null) storage(name).removeItem(KEYS[name])
    else storage(name).setItem(KEYS[name], value)
  } catch {
    // Nothing to do: the session then lasts only as long as the page.
  }
}

/** The stored credentials. */
export const store = {
  get session(): string | null {
    return read('session')
  },
  set session(value: string | null) {
    write('session', value)
  },
  get apiKey(): string | null {
    return read('apiKey')
  },
  set apiKey(value: string | null) {
    write('apiKey', value)
  },
  get email(): string | null {
    return read('email')
  },
  set email(value: string | null) {
    write('email', value)
  },
  /** Forgets everything this dashboard stored. */
  clear(): void {
    for (const name of Object.keys(KEYS) as Name[]) write(name, null)
  },
}
