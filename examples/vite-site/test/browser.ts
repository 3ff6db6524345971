/** Headless Chromium (Debian's) with axe-core: the `image-alt` violations of a page. */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { launchChromium } from '@alttextapi/testkit'

const require = createRequire(import.meta.url)

export async function startBrowser() {
  const { context, close } = await launchChromium()
  const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
  return {
    /** Ids of the nodes axe reports for `image-alt` on `url`, and how many images it checked. */
    async imageAlt(url: string): Promise<{ violations: string[]; images: number }> {
      const page = await context.newPage()
      try {
        await page.goto(url, { waitUntil: 'load' })
        await page.addScriptTag({ content: axe })
        return await page.evaluate(async () => {
          const w = window as unknown as {
            axe: { run(o: unknown): Promise<{ violations: { nodes: { html: string }[] }[] }> }
          }
          const result = await w.axe.run({ runOnly: { type: 'rule', values: ['image-alt'] } })
          return {
            violations: result.violations.flatMap((v) => v.nodes.map((n) => n.html)),
            images: document.querySelectorAll('img').length,
          }
        })
      } finally {
        await page.close()
      }
    },
    close,
  }
}
