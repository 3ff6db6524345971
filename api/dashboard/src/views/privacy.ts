/**
 * The privacy policy, word for word from the product's policy (shared/seeds), as a page. Keep it
 * true to the code: a statement that stops being true is a bug to fix in the code or a policy
 * change for the owners, never a quiet edit here. The sections live in `privacy/`, in order.
 */
import { h } from '../dom.js'
import type { Route } from '../router.js'
import { closingSections } from './privacy/closing.js'
import { collectedSections } from './privacy/collect.js'
import { keepingSections } from './privacy/keeping.js'
import { rightsSections } from './privacy/rights.js'
import { thirdPartySections } from './privacy/third-parties.js'

/** Shown at the top, as the policy's "Changes" section promises. */
export const LAST_UPDATED = '2026-11-24'

/** The privacy policy page. */
export const privacy: Route = {
  title: 'Privacy policy',
  access: 'any',
  render() {
    const updated = h(
      'time',
      { datetime: LAST_UPDATED },
      new Date(`${LAST_UPDATED}T12:00:00Z`).toLocaleDateString('en-GB', {
        dateStyle: 'long',
        timeZone: 'UTC',
      }),
    )
    return h(
      'article',
      { class: 'policy' },
      h('h1', null, 'Privacy Policy'),
      h('p', { class: 'muted' }, 'Last updated: ', updated),
      collectedSections(),
      thirdPartySections(),
      keepingSections(),
      rightsSections(),
      closingSections(),
    )
  },
}
