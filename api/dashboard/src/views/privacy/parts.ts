/** Small builders the policy sections share. */
import { type Child, h } from '../../dom.js'

/** A link that leaves the site (no referrer, no opener). */
export const ext = (href: string, text: string) =>
  h('a', { href, rel: 'noopener noreferrer' }, text)

/** A bulleted list, one item per argument. */
export const list = (...items: Child[]) =>
  h(
    'ul',
    null,
    items.map((item) => h('li', null, item)),
  )
