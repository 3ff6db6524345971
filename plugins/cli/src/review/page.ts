/**
 * The review page's HTML: one list of the entries of alt-text.json, to review first, with the
 * thumbnail, text, origin, model, language and review status of each. The local server's page
 * (`mode: 'serve'`) adds an Approve button and an edit field per entry, as plain HTML forms (no
 * script: nothing to load, works in any browser); the static report (`mode: 'report'`) is the
 * same list without forms.
 */
import { createHash } from 'node:crypto'
import { needsReview } from '@alttextapi/core/node'
import type { ReviewItem } from './store.js'

const CSS = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
ul.items { list-style: none; padding: 0; }
li.item { display: flex; gap: 1rem; border-top: 1px solid #767676; padding: 1rem 0; flex-wrap: wrap; }
.thumb { width: 160px; flex: none; }
.thumb img { max-width: 160px; max-height: 160px; display: block; }
.body { flex: 1 1 20rem; min-width: 0; }
.alt { font-size: 1.1rem; margin: .25rem 0; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: .5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
form { margin: .5rem 0; }
label { display: block; font-weight: 600; }
textarea { width: 100%; box-sizing: border-box; font: inherit; }
button { font: inherit; padding: .35rem .9rem; border: 2px solid #1a4e8a; background: #1a4e8a; color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: #1a4e8a; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.message { padding: .75rem 1rem; border: 2px solid #1a4e8a; border-radius: 4px; }
.message.error { border-color: #a4000f; color: #a4000f; }
.badge { font-weight: 600; color: #8a3b00; }
`.trim()

/** The Content-Security-Policy `style-src` source of the page's one inline style. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`

/** `value` escaped for HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** What the page is rendered from. */
export interface PageInput {
  mode: 'serve' | 'report'
  items: ReviewItem[]
  /** The file's name as shown (relative to the cwd). */
  fileName: string
  /** Image hash → the thumbnail's URL (relative to the page), when the image file was found. */
  thumbnail: (hash: string) => string | undefined
  /** Image hash → the image file's name as shown (relative to the site root), when found. */
  imageName: (hash: string) => string | undefined
  /** A message at the top: what was just done, or why it was refused. */
  message?: { text: string; error: boolean } | undefined
}

const ORIGIN: Record<string, string> = {
  machine: 'machine (written by the model)',
  edited: 'edited (machine text a person changed)',
  human: 'human',
}

function status(item: ReviewItem): string {
  const { reviewed } = item.entry
  if (reviewed) return `Reviewed by ${reviewed.by} on ${reviewed.at.slice(0, 10)}`
  return needsReview(item.entry) ? 'To review' : 'Written by a person'
}

function renderItem(item: ReviewItem, n: number, input: PageInput): string {
  const { hash, entry } = item
  const thumb = input.thumbnail(hash)
  const name = input.imageName(hash)
  const heading = `h-${n}`
  const hidden = `<input type="hidden" name="hash" value="${escapeHtml(hash)}"><input type="hidden" name="id" value="${escapeHtml(item.id)}"><input type="hidden" name="shown" value="${escapeHtml(entry.altText)}">`
  const forms =
    input.mode === 'serve'
      ? `
      ${needsReview(entry) ? `<form method="post" action="approve">${hidden}<button type="submit" aria-describedby="${heading}">Approve</button></form>` : ''}
      <form method="post" action="edit">${hidden}
        <label for="text-${n}">Edit alt text</label>
        <textarea id="text-${n}" name="text" rows="2" maxlength="1000">${escapeHtml(entry.altText)}</textarea>
        <button type="submit" class="secondary" aria-describedby="${heading}">Save edit</button>
      </form>`
      : ''
  return `<li class="item" data-hash="${escapeHtml(hash)}">
    <div class="thumb">${
      // The alt text is right beside the thumbnail: the thumbnail itself adds nothing to hear.
      thumb
        ? `<img src="${escapeHtml(thumb)}" alt="" loading="lazy">`
        : '<p>No image file found under the site folder.</p>'
    }</div>
    <div class="body">
      <h3 id="${heading}">${escapeHtml(name ?? `Image ${hash.slice(0, 12)}…`)}</h3>
      <p class="alt">${escapeHtml(entry.altText)}</p>
      <dl>
        <dt>Status</dt><dd>${needsReview(entry) ? `<span class="badge">${status(item)}</span>` : escapeHtml(status(item))}</dd>
        <dt>Origin</dt><dd>${escapeHtml(ORIGIN[entry.origin ?? 'machine'] ?? 'machine')}</dd>
        <dt>Model</dt><dd>${escapeHtml(entry.model)}</dd>
        <dt>Language</dt><dd>${escapeHtml(entry.language)}</dd>
        <dt>Written</dt><dd>${escapeHtml(entry.createdAt.slice(0, 10))}</dd>
        ${entry.decorative ? '<dt>Suggestion</dt><dd>the model thinks this image is decorative (alt="")</dd>' : ''}
      </dl>${forms}
    </div>
  </li>`
}

/** The whole page. */
export function renderPage(input: PageInput): string {
  const open = input.items.filter((i) => needsReview(i.entry))
  const done = input.items.filter((i) => !needsReview(i.entry))
  let n = 0
  const list = (items: ReviewItem[]) =>
    items.length === 0
      ? '<p>None.</p>'
      : `<ul class="items">${items.map((item) => renderItem(item, ++n, input)).join('\n')}</ul>`
  const message = input.message
    ? `<p class="message${input.message.error ? ' error' : ''}" role="${input.message.error ? 'alert' : 'status'}">${escapeHtml(input.message.text)}</p>`
    : ''
  const title = input.mode === 'serve' ? 'Review alt text' : 'Alt text report'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} — ${escapeHtml(input.fileName)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${escapeHtml(input.fileName)}: ${input.items.length} alt ${input.items.length === 1 ? 'text' : 'texts'}, <strong>${open.length} to review</strong>.</p>
${message}
<h2>To review (${open.length})</h2>
${list(open)}
<h2>Reviewed or written by a person (${done.length})</h2>
${list(done)}
</main>
</body>
</html>
`
}
