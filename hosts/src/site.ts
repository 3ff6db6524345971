/** The pages every host builds: two pages, images without alt, one decorative, one with alt. */
import { tinyPng } from '@alttextapi/testkit'

/**
 * Images: `shared.png` (seed 1) is on both pages, in two languages; `hero.png` (2) is bundled by
 * Vite; `team.png` (4) is only on the German page; `spacer.png` (3) is decorative (`alt=""`) and
 * `logo.png` (5) already has alt text: neither may be touched.
 */
export const IMAGES = {
  'public/img/shared.png': tinyPng(1),
  'images/hero.png': tinyPng(2),
  'public/img/spacer.png': tinyPng(3),
  'images/team.png': tinyPng(4),
  'public/img/logo.png': tinyPng(5),
}

/** The home page (English). */
export const HOME = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Bicycles for sale</title></head>
  <body>
    <h1>Spring sale</h1>
    <p>Our bikes, on sale this week.</p>
    <img src="/img/shared.png">
    <img src="./images/hero.png">
    <img src="/img/spacer.png" alt="">
    <img src="/img/logo.png" alt="Our logo">
  </body>
</html>
`

/** The about page (German). */
export const ABOUT = `<!doctype html>
<html lang="de">
  <head><meta charset="utf-8"><title>Über uns</title></head>
  <body>
    <h1>Das Team</h1>
    <img src="/img/shared.png">
    <img src="../images/team.png">
  </body>
</html>
`

/** The alt text the fake writes for each image that lacked it (`Image <seed>`, language added). */
export const EXPECTED = {
  home: ['alt="Image 1"', 'alt="Image 2"'],
  about: ['alt="Image 1 (de)"', 'alt="Image 4 (de)"'],
}

/** The images without alt on the two pages: 2 + 2, in two languages, so 4 descriptions. */
export const MISSING = 4

/** The same site as built HTML (for the CLI and rehype hosts): every image in the site root. */
export function builtSite(root: string): Record<string, string | Uint8Array> {
  const page = (html: string) =>
    html
      .replace('./images/hero.png', '/img/hero.png')
      .replace('../images/team.png', '/img/team.png')
  return {
    [`${root}/index.html`]: page(HOME),
    [`${root}/about/index.html`]: page(ABOUT),
    [`${root}/img/shared.png`]: tinyPng(1),
    [`${root}/img/hero.png`]: tinyPng(2),
    [`${root}/img/spacer.png`]: tinyPng(3),
    [`${root}/img/team.png`]: tinyPng(4),
    [`${root}/img/logo.png`]: tinyPng(5),
  }
}

/** Counts `<img` tags without an `alt` attribute. */
export function imagesWithoutAlt(html: string): number {
  return [...html.matchAll(/<img\b[^>]*>/gi)].filter((m) => !/\salt=/i.test(m[0])).length
}
