// eleventy.config.js — fills missing alt text in every page Eleventy writes.
import { relative } from 'node:path'
import { createAltTextRun, fillAltText, formatStats } from '@alttextapi/rehype'

export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ 'src/img': 'img' })

  // In Markdown, `![](photo.png)` means nobody wrote alt text (markdown-it renders alt=""):
  // leave the attribute out so it is filled. Decorative images are written <img src="…" alt="">.
  eleventyConfig.amendLibrary('md', (md) => {
    const image = md.renderer.rules.image
    md.renderer.rules.image = (tokens, index, ...rest) => {
      const html = image(tokens, index, ...rest)
      return tokens[index].content === '' ? html.replace(' alt=""', '') : html
    }
  })

  // One run per build: identical images described once, one budget, one summary.
  let run
  eleventyConfig.on('eleventy.before', () => {
    // Root-relative sources (/img/a.png) are read from src/ (the passthrough copy may not be
    // written yet); failOnError: false leaves the fatal stop to eleventy.after, said once.
    run = createAltTextRun({ publicDir: 'src', failOnError: false })
  })

  eleventyConfig.addTransform('alttext', async function (content) {
    if (!this.page.outputPath?.endsWith('.html')) return content
    const { html, file } = await fillAltText(content, { run, path: this.page.outputPath })
    for (const message of file.messages)
      if (message.ruleId !== 'fatal')
        console.warn(
          `[alttextapi] ${relative('.', file.path)}:${message.line}:${message.column}: ${message.reason}`,
        )
    return html
  })

  eleventyConfig.on('eleventy.after', () => {
    if (run.fatal) throw new Error(`[alttextapi] ${run.fatal.message}`)
    console.log(`[alttextapi] ${formatStats(run.stats)}`)
  })

  return { dir: { input: 'src' } }
}
