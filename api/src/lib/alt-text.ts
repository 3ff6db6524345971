/**
 * Post-processing of model output into alt text. Model output is untrusted text: whatever it
 * says, what leaves here is one line of plain text with no markup, no surrounding quotes, no
 * "image of" preamble, and at most `maxLength` characters (Unicode code points) cut at a word.
 * A pure function, so it can be tested exhaustively.
 */

import { decodeHTML, decodeHTMLStrict } from 'entities'

/** Options of `finishAltText`. */
export interface FinishOptions {
  /** Most characters (code points) of the result. */
  maxLength: number
  /** BCP 47 tag of the requested language; English gets a few extra clean-ups. */
  language?: string
}

/** Opening → closing quote pairs a model may wrap its answer in. */
const QUOTE_PAIRS: Array<[string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['“', '”'],
  ['”', '”'],
  ['‘', '’'],
  ['«', '»'],
  ['»', '«'],
  ['„', '“'],
  ['‚', '‘'],
  ['「', '」'],
  ['『', '』'],
]

// "Alt text:", "Description:", "Caption:" — labels some models put before the answer.
const LABEL = /^(?:alt(?:ernative)?[\s-]*text|alt|description|caption|answer|output)\s*[:：-]\s*/i

// Markdown markers that only show up at the start once the answer is one line.
const LEADING_MARKERS = /^(?:(?:#{1,6}|>+|[-*+•]|\d{1,3}[.)])(?:\s+|$))+/u

const NOUN = '(?:image|photo|photograph|picture|pic|snapshot)'
const VERB = '(?:of|showing|shows|depicting|depicts|featuring|that shows|which shows|with)'
// Generic medium preambles, in English and a few common languages. Media that carry meaning
// ("Screenshot of", "Painting of", "Logo of") are kept on purpose.
const PREAMBLES: RegExp[] = [
  new RegExp(
    `^(?:here is |here's |this is |it is |it's )?(?:a |an |the |this )?(?:(?:close-up|closeup|black[- ]and[- ]white|colou?r|digital|stock)\\s+)?${NOUN}\\s+${VERB}\\s+`,
    'i',
  ),
  new RegExp(
    `^(?:in )?(?:the|this) ${NOUN}(?: above)?,?\\s+(?:we see|there is|there are|shows|depicts|features|contains|displays)\\s+`,
    'i',
  ),
  new RegExp(`^(?:in )?(?:the|this) ${NOUN}(?: above)?,\\s+`, 'i'),
  // German
  /^(?:ein(?:e)?\s+|das\s+|dieses\s+)?(?:bild|foto|fotografie|aufnahme)\s+(?:von|zeigt|mit)\s+/i,
  // French
  /^(?:une?\s+|l[’']|cette\s+)?(?:image|photo|photographie)\s+(?:de|d[’']|montrant|montre|représentant)\s*/i,
  // Spanish / Portuguese / Italian
  /^(?:una?\s+|la\s+|esta\s+|uma\s+|a\s+|un[’']|l[’'])?(?:imagen|imagem|immagine|foto|fotografía|fotografia)\s+(?:de|del|da|do|di|della|que muestra|muestra|mostra|mostrando|che mostra)\s+/i,
  // Dutch
  /^(?:een\s+|de\s+)?(?:afbeelding|foto)\s+(?:van|toont|met)\s+/i,
]

// An answer that is nothing but the medium ("Image of", "A photo.") describes nothing.
const BARE_PREAMBLE = new RegExp(`^(?:a |an |the |this )?${NOUN}(?:\\s+${VERB})?[\\s.:…]*$`, 'i')

const TRAILING_FRAGMENT = /[\s,;:\-–—([{/&+*"'“‘«„]+$/u
// Punctuation that never ends alt text well, even when nothing was cut (quotes may close a phrase).
const DANGLING_PUNCTUATION = /[\s,;:\-–—([{/&+]+$/u
const ENGLISH_DANGLING =
  /\s+(?:a|an|the|and|or|but|of|with|in|on|at|to|for|from|by|as|into|onto|near|while|its|their|his|her|is|are)$/i
const SENTENCE_END = /[.!?…。！？]$/u

const codePoints = (text: string) => Array.from(text)

/** `&name` not followed by `;` (nor by more of a name): a candidate for an entity missing its `;`. */
const UNTERMINATED_NAME = /&([a-z][a-z0-9]{1,31})(?![a-z0-9;])/gi
/** What still has the shape of a character reference after decoding: not one, so it goes. */
const LEFTOVER_REFERENCE = /&(?:#x[0-9a-f]*;?|#\d*;?|[a-z][a-z0-9]{1,31};)/gi

/**
 * Decodes every HTML character reference with the `entities` package (the HTML spec's full
 * table, numeric references, and the legacy names browsers accept without `;`, such as `&amp` or
 * `&lt`). A known name written without its `;` (`&hellip`) is completed and decoded too, and
 * whatever is still shaped like a reference afterwards (`&foo;`, `&#;`) is removed: no entity
 * survives into alt text. Words with a bare `&` ("AT&T", "R&D") are left alone.
 */
function decodeEntities(input: string): string {
  let text = input
  // Encoded more than once (`&amp;lt;`): decoded until nothing changes (a few rounds at most).
  for (let round = 0; round < 8; round++) {
    const completed = text.replace(UNTERMINATED_NAME, (whole, name: string) =>
      decodeHTMLStrict(`&${name};`) === `&${name};` ? whole : `&${name};`,
    )
    const decoded = decodeHTML(completed)
    if (decoded === text) break
    text = decoded
  }
  // U+FFFD is what a reference to NUL or a surrogate decodes to: not a character of the answer.
  return text.replace(LEFTOVER_REFERENCE, ' ').replace(/\uFFFD/g, ' ')
}

/** Removes HTML and Markdown, leaving the words. */
function stripMarkup(input: string): string {
  let text = input
  // Reasoning blocks some models emit before the answer.
  text = text.replace(/<think>[\s\S]*?<\/think>/gi, ' ')
  // Script and style bodies are code, not words.
  text = text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
  // Code fences: keep their content, drop the fence and language tag.
  text = text.replace(/```[a-z0-9_-]*\s*/gi, ' ')
  // Markdown images and links keep their text.
  text = text.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
  text = text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
  // Tags twice: entity-encoded markup must not come back as markup after decoding.
  text = text.replace(/<\/?[a-z!?][^>]*>/gi, ' ')
  text = decodeEntities(text)
  text = text.replace(/<\/?[a-z!?][^>]*>/gi, ' ')
  // Whatever angle brackets are left cannot be markup any more.
  text = text.replace(/[<>]/g, ' ')
  // Line-leading Markdown: headings, quotes, bullets, numbered lists.
  text = text.replace(/^[ \t]*(?:(?:#{1,6}[ \t]+|>+[ \t]*|[-*+•][ \t]+|\d{1,3}[.)][ \t]+))+/gm, '')
  text = text.replace(/`+/g, '')
  // Emphasis markers.
  text = text.replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
  text = text.replace(/(^|[\s(])[*_](?=\S)([^*_]*?\S)[*_](?=$|[\s).,;:!?])/g, '$1$2')
  text = text.replace(/`+/g, '')
  text = text.replace(/\*{2,}|_{2,}/g, '')
  return text
}

/** One line: control characters and any run of white space become a single space. */
function oneLine(text: string): string {
  // Cc: control characters; Cf: invisible format characters (zero-width, bidi overrides, BOM).
  return text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function stripQuotes(text: string): string {
  let out = text
  for (let changed = true; changed; ) {
    changed = false
    for (const [open, close] of QUOTE_PAIRS) {
      if (out.length >= 2 && out.startsWith(open) && out.endsWith(close)) {
        const inner = out.slice(open.length, out.length - close.length)
        // "Stop" sign says "Stop" — inner quotes of the same kind mean the outer ones are not a wrapper.
        if (open === close && inner.includes(open)) continue
        out = inner.trim()
        changed = true
      }
    }
  }
  return out
}

function stripPreamble(text: string): string {
  let out = text
  for (let i = 0; i < 50; i++) {
    const before = out
    out = out.replace(LEADING_MARKERS, '')
    out = out.replace(LABEL, '')
    out = stripQuotes(out)
    for (const pattern of PREAMBLES) out = out.replace(pattern, '')
    if (out === before) break
  }
  return out
}

function capitalise(text: string): string {
  const [first = '', ...rest] = codePoints(text)
  return first.toLocaleUpperCase() + rest.join('')
}

function trimFragment(text: string, english: boolean): string {
  let out = text
  for (let i = 0; i < 4; i++) {
    const before = out
    out = out.replace(TRAILING_FRAGMENT, '')
    if (english) out = out.replace(ENGLISH_DANGLING, '')
    if (out === before) break
  }
  return out
}

/** Cuts to at most `max` code points at a word boundary (whole sentences when that keeps enough). */
function cut(text: string, max: number, english: boolean): string {
  const chars = codePoints(text)
  if (chars.length <= max) return text
  const head = chars.slice(0, max)
  const headText = head.join('')
  // A whole sentence that uses at least half the budget reads better than a cut one.
  const sentenceEnd = Math.max(
    ...['. ', '! ', '? ', '。', '！', '？'].map((end) =>
      chars
        .slice(0, max + 1)
        .join('')
        .lastIndexOf(end),
    ),
  )
  const sentence = sentenceEnd > 0 ? headText.slice(0, sentenceEnd + 1).trim() : ''
  const whole = SENTENCE_END.test(sentence) && codePoints(sentence).length <= max
  if (whole && codePoints(sentence).length >= max / 2) {
    return sentence
  }
  // Break at the last space within the budget when the next character starts a new word.
  const nextIsSpace = /\s/.test(chars[max] ?? ' ')
  let body = headText
  if (!nextIsSpace) {
    const space = headText.lastIndexOf(' ')
    body = space > 0 ? headText.slice(0, space) : headText
  }
  body = trimFragment(body.trim(), english)
  if (!body) body = trimFragment(headText.trim(), false)
  if (body && !SENTENCE_END.test(body) && codePoints(body).length + 1 <= max) body += '.'
  return body
}

function onePass(raw: string, max: number, english: boolean): string {
  let text = oneLine(stripMarkup(raw))
  text = stripPreamble(text)
  text = oneLine(text)
  if (!/[\p{L}\p{N}]/u.test(text) || BARE_PREAMBLE.test(text)) return ''
  text = capitalise(text).replace(DANGLING_PUNCTUATION, '')
  if (!/[\p{L}\p{N}]/u.test(text)) return ''
  text = cut(text, max, english).trim()
  // A cut that left only punctuation is no alt text.
  return /[\p{L}\p{N}]/u.test(text) ? text : ''
}

/**
 * Turns raw model output into alt text, or returns `''` when nothing usable is left (the caller
 * treats that as a model error: fall back or refund). Clean-ups can uncover one another (a marker
 * that starts the text only once a tag is gone), so passes repeat until nothing changes: the
 * result is stable, and cleaning it again gives the same text.
 */
export function finishAltText(raw: string, options: FinishOptions): string {
  const max = Math.max(1, Math.floor(options.maxLength))
  const english = !options.language || /^en\b/i.test(options.language)
  let text = String(raw ?? '')
  for (let pass = 0; pass < 10; pass++) {
    const next = onePass(text, max, english)
    if (next === text) break
    text = next
  }
  return text
}
