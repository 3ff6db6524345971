/** The privacy policy: cookies, children, changes and contact. */
import { type Child, h } from '../../dom.js'
import { ext, list } from './parts.js'

/** Sections: Cookies; Children's Privacy; Changes to This Policy; Contact Us. */
export function closingSections(): Child[] {
  return [
    h('h2', null, 'Cookies'),
    h('p', null, 'We use minimal cookies and local storage:'),
    list(
      'Authentication: API key and email stored in browser localStorage',
      'We do not use tracking cookies or analytics',
    ),
    h('h2', null, "Children's Privacy"),
    h(
      'p',
      null,
      'Our service is not intended for users under 18. We do not knowingly collect data from children.',
    ),
    h('h2', null, 'Changes to This Policy'),
    h(
      'p',
      null,
      'We may update this Privacy Policy from time to time. The "Last updated" date at the top will reflect changes. Continued use of our service after changes constitutes acceptance.',
    ),
    h('h2', null, 'Contact Us'),
    h('p', null, 'If you have questions about this Privacy Policy, please contact us:'),
    list(
      ['Email: ', h('a', { href: 'mailto:privacy@alttextapi.com' }, 'privacy@alttextapi.com')],
      ['GitHub: ', ext('https://github.com/nijaru/alttextapi', 'nijaru/alttextapi')],
    ),
    h(
      'p',
      null,
      'The API itself is described in the ',
      h('a', { href: '/docs' }, 'API documentation'),
      '.',
    ),
  ]
}
