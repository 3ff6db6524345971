/** The privacy policy: the services that process data for us. */
import { type Child, h } from '../../dom.js'
import { ext, list } from './parts.js'

/** Sections: Third-Party Services. */
export function thirdPartySections(): Child[] {
  return [
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
    h('p', null, 'Learn more: ', ext('https://openrouter.ai/privacy', 'OpenRouter Privacy Policy')),
    h('h3', null, 'Cloudflare Workers'),
    h('p', null, 'Our API is hosted on Cloudflare Workers. Cloudflare may collect:'),
    list('IP addresses (for DDoS protection and routing)', 'Request logs (retained for 24 hours)'),
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
  ]
}
