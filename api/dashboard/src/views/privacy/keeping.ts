/** The privacy policy: how long data is kept, and how it is protected. */
import { type Child, h } from '../../dom.js'
import { list } from './parts.js'

/** Sections: Data Retention; Data Security. */
export function keepingSections(): Child[] {
  return [
    h('h2', null, 'Data Retention'),
    list(
      'Account data: Retained while your account is active',
      'Usage records: Retained for 7 years (GDPR requirement)',
      'Images: Not stored (processed in-memory only)',
      'Generated alt text: Retained for billing and usage tracking',
      'Image fingerprints (hashes) with their alt text, for reuse: 1 year, only while history is on',
      'Answers kept with an Idempotency-Key: 24 hours',
    ),
    h('h2', null, 'Data Security'),
    h('p', null, 'We implement industry-standard security measures to protect your data:'),
    list(
      'All API requests use HTTPS encryption (TLS 1.3)',
      'Passwords are hashed with bcrypt (10 rounds)',
      'API keys are securely generated and stored',
      'Database is hosted on Cloudflare D1 (encrypted at rest)',
    ),
  ]
}
