/**
 * The privacy policy, word for word from the product's policy (shared/seeds), as a page. Keep it
 * true to the code: a statement that stops being true is a bug to fix in the code or a policy
 * change for the owners, never a quiet edit here.
 */
import { type Child, h } from '../dom.js'
import { link, type Route } from '../router.js'

/** Shown at the top, as the policy's "Changes" section promises. */
export const LAST_UPDATED = '2026-11-24'

const ext = (href: string, text: string) => h('a', { href, rel: 'noopener noreferrer' }, text)
const list = (...items: Child[]) =>
  h(
    'ul',
    null,
    items.map((item) => h('li', null, item)),
  )

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
      h('h2', null, 'Overview'),
      h(
        'p',
        null,
        'AltText API ("we", "us", or "our") is committed to protecting your privacy. This Privacy Policy explains how we collect, use, and protect your information when you use our AI-powered alt text generation API.',
      ),
      h('h2', null, 'Information We Collect'),
      h('h3', null, 'Account Information'),
      list(
        'Email address (for account creation and authentication)',
        'Password (hashed with bcrypt, never stored in plain text)',
        'Name (optional)',
      ),
      h('h3', null, 'Usage Data'),
      list(
        'API key usage and request timestamps',
        'Number of images processed',
        'Total credits used',
        'API endpoint accessed',
        'AI model used for generation',
      ),
      h('h3', null, 'Image Data'),
      h(
        'p',
        null,
        'We process images you submit via our API to generate alt text. We do not permanently store your images. Images are only held in memory during processing and are immediately discarded after the alt text is generated.',
      ),
      h('p', null, 'For usage tracking and billing purposes, we store:'),
      list('Image URLs (if provided)', 'Generated alt text', 'Language used', 'Cost of processing'),
      h('h2', null, 'How We Use Your Information'),
      list(
        'To provide and maintain our alt text generation service',
        'To process billing and track usage',
        'To authenticate API requests',
        'To improve our service quality and reliability',
        'To communicate with you about your account',
      ),
      h('h2', null, 'Third-Party Services'),
      h('h3', null, 'OpenRouter (AI Processing)'),
      h(
        'p',
        null,
        'We use OpenRouter as an intermediary to access AI vision models (Qwen 2.5 VL, Gemini 2.5 Flash Lite, and others). OpenRouter is GDPR compliant and:',
      ),
      list(
        'Does not store your prompts or images by default',
        'Uses Standard Contractual Clauses (SCCs) for EU data transfers',
        "Ensures underlying AI providers don't use your data for training",
        'Stores only metadata (token counts, latency) for reporting',
      ),
      h(
        'p',
        null,
        'Learn more: ',
        ext('https://openrouter.ai/privacy', 'OpenRouter Privacy Policy'),
      ),
      h('h3', null, 'Cloudflare Workers'),
      h('p', null, 'Our API is hosted on Cloudflare Workers. Cloudflare may collect:'),
      list(
        'IP addresses (for DDoS protection and routing)',
        'Request logs (retained for 24 hours)',
      ),
      h(
        'p',
        null,
        'Learn more: ',
        ext('https://www.cloudflare.com/privacypolicy/', 'Cloudflare Privacy Policy'),
      ),
      h('h3', null, 'Stripe (Payment Processing)'),
      h(
        'p',
        null,
        'For payment processing, we use Stripe. We do not store your credit card information. Stripe handles all payment data securely and is PCI DSS compliant.',
      ),
      h('p', null, 'Learn more: ', ext('https://stripe.com/privacy', 'Stripe Privacy Policy')),
      h('h2', null, 'Data Retention'),
      list(
        'Account data: Retained while your account is active',
        'Usage records: Retained for 7 years (GDPR requirement)',
        'Images: Not stored (processed in-memory only)',
        'Generated alt text: Retained for billing and usage tracking',
      ),
      h('h2', null, 'Data Security'),
      h('p', null, 'We implement industry-standard security measures to protect your data:'),
      list(
        'All API requests use HTTPS encryption (TLS 1.3)',
        'Passwords are hashed with bcrypt (10 rounds)',
        'API keys are securely generated and stored',
        'Database is hosted on Cloudflare D1 (encrypted at rest)',
      ),
      h('h2', null, 'Your Rights (GDPR)'),
      h(
        'p',
        null,
        'If you are in the European Economic Area (EEA), you have the following rights:',
      ),
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
    )
  },
}
