// @ts-check
import altText from '@alttextapi/astro'
import mdx from '@astrojs/mdx'
import { defineConfig } from 'astro/config'

// The key comes from ALTTEXT_API_KEY (and the API from ALTTEXT_API_URL, default the hosted API).
export default defineConfig({
  integrations: [mdx(), altText({ language: 'en' })],
})
