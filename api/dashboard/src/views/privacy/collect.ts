/** The privacy policy: what is collected, and what for. */
import { type Child, h } from '../../dom.js'
import { list } from './parts.js'

/** Sections: Overview; Information We Collect; How We Use Your Information. */
export function collectedSections(): Child[] {
  return [
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
    h(
      'p',
      null,
      'So that you never pay twice for the same image, we keep, per account and for one year, a fingerprint of each described image — a SHA-256 hash of its bytes and of the options used, never the image itself and never its URL — with the alt text we generated for it. When you send the same image again, we give you that alt text for 0 credits. With history turned off (objection) nothing is kept for this, and what was kept is deleted; erasure deletes it too.',
    ),
    h(
      'p',
      null,
      'When a request carries an Idempotency-Key, its answer is kept with the key for 24 hours, also with history turned off, so that a retry gets the same answer without describing the image again.',
    ),
    h('h2', null, 'How We Use Your Information'),
    list(
      'To provide and maintain our alt text generation service',
      'To process billing and track usage',
      'To authenticate API requests',
      'To improve our service quality and reliability',
      'To communicate with you about your account',
    ),
  ]
}
