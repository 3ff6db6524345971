// astro.config.mjs
import altText from '@alttextapi/astro'
import mdx from '@astrojs/mdx'
import { defineConfig } from 'astro/config'

export default defineConfig({
  integrations: [mdx(), altText({ language: 'en' })],
})
