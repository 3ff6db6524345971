/** The privacy policy: the GDPR rights, and where the dashboard lets users exercise them alone. */
import { type Child, h } from '../../dom.js'
import { link } from '../../router.js'
import { list } from './parts.js'

/** Sections: Your Rights (GDPR). */
export function rightsSections(): Child[] {
  return [
    h('h2', null, 'Your Rights (GDPR)'),
    h('p', null, 'If you are in the European Economic Area (EEA), you have the following rights:'),
    list(
      'Access: Request a copy of your data',
      'Rectification: Correct inaccurate data',
      'Erasure: Request deletion of your account and data',
      'Portability: Export your usage data',
      'Objection: Object to certain data processing',
    ),
    h(
      'p',
      null,
      'To exercise these rights, contact us at: ',
      h('a', { href: 'mailto:privacy@alttextapi.com' }, 'privacy@alttextapi.com'),
    ),
    h(
      'aside',
      { class: 'card note', 'aria-labelledby': 'self-service-title' },
      h('h3', { id: 'self-service-title' }, 'Doing it yourself in the dashboard'),
      list(
        [
          'Access and portability: ',
          link('/app/account', 'Account'),
          ', “Download my data” (JSON).',
        ],
        ['Rectification: ', link('/app/account', 'Account'), ', name, email and password.'],
        [
          'Objection: ',
          link('/app/account', 'Account'),
          ', “Keep the history of image URLs and alt text”.',
        ],
        ['Erasure: ', link('/app/account', 'Account'), ', “Delete my account”.'],
      ),
    ),
  ]
}
