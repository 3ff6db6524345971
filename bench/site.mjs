// Generated static sites for the build benchmarks: pages with <img> tags over a pool of distinct
// small PNG files (distinct bytes, so each is a distinct image to the content-hash cache).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tinyPng } from '@alttextapi/testkit'

/**
 * Writes `pages` HTML files with `imagesPerPage` images each, drawn round-robin from `distinct`
 * image files under `img/`. Returns the page paths.
 */
export async function writeSite(dir, { pages, imagesPerPage, distinct }) {
  await mkdir(join(dir, 'img'), { recursive: true })
  for (let i = 0; i < distinct; i++)
    await writeFile(join(dir, 'img', `photo-${i}.png`), tinyPng(10_000 + i))
  const files = []
  let next = 0
  for (let p = 0; p < pages; p++) {
    const images = Array.from(
      { length: imagesPerPage },
      () =>
        `<figure><img src="/img/photo-${next++ % distinct}.png" width="640" height="480"><figcaption>Figure on page ${p}</figcaption></figure>`,
    )
    const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Page ${p}</title></head>
  <body>
    <main>
      <h1>Page ${p}</h1>
      <p>Some text about the subject of page ${p}, so that the images have context.</p>
      ${images.join('\n      ')}
    </main>
  </body>
</html>
`
    const file = join(dir, `page-${p}.html`)
    await writeFile(file, html)
    files.push(file)
  }
  return files
}
