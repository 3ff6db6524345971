/**
 * Test helpers: Debian's Chromium driven by playwright-core, axe-core checks and screenshots at
 * desktop and phone widths for every page and state the journey visits.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@alttextapi/testkit'
import type { BrowserContext, Page } from 'playwright-core'

export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
export const WIDTHS = [1280, 390] as const

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const AXE_PATH = '/__test__/axe.min.js'

/** Launches Chromium (testkit's Debian setup) at desktop width, downloads allowed. */
export async function launch(): Promise<{
  context: BrowserContext
  page: Page
  close: () => Promise<void>
}> {
  const browser = await launchChromium({
    viewport: { width: WIDTHS[0], height: 900 },
    acceptDownloads: true,
  })
  mkdirSync(SCREENSHOTS, { recursive: true })
  return browser
}

/** axe-core's violations on the page as it is now, formatted for a failure message. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    // The page's CSP (script-src 'self') rightly refuses an inline script tag, so axe is served
    // from a same-origin URL that the test answers itself: the CSP stays on and checked.
    const url = new URL(AXE_PATH, page.url()).href
    await page.route(url, (route) =>
      route.fulfill({ body: AXE_SOURCE, contentType: 'text/javascript' }),
    )
    await page.addScriptTag({ url })
  }
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: {
              id: string
              impact: string
              help: string
              nodes: { target: string[] }[]
            }[]
          }>
        }
      }
    ).axe
    return axe.run(document, { resultTypes: ['violations'] })
  })
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
}

/**
 * Checks the current state at every width: no axe violations, and a full-page screenshot
 * `screenshots/<name>-<width>.png`. Leaves the page at desktop width.
 */
export async function audit(page: Page, name: string): Promise<string[]> {
  const problems: string[] = []
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 })
    // No sideways scrolling of the page itself at phone width (tables scroll inside their box).
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    if (overflow > 1)
      problems.push(`${name} @${width}px: page is ${overflow}px wider than the screen`)
    for (const v of await axeViolations(page)) problems.push(`${name} @${width}px: ${v}`)
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 })
  return problems
}
