/** Any path the dashboard does not know. */
import { h } from '../dom.js'
import { link, type Route } from '../router.js'

/** The "page not found" view. */
export const notFound: Route = {
  title: 'Page not found',
  access: 'any',
  render({ path }) {
    return h(
      'div',
      null,
      h('h1', null, 'Page not found'),
      h(
        'p',
        null,
        'There is no page at ',
        h('code', null, path),
        '. Check the address, or go on from here:',
      ),
      h(
        'ul',
        null,
        h('li', null, link('/', 'Home')),
        h('li', null, link('/app/try', 'Try it')),
        h('li', null, h('a', { href: '/docs' }, 'API documentation')),
      ),
    )
  },
}
