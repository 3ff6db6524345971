import { resolve } from 'node:path'
import altText from '@alttextapi/vite-plugin'
import { defineConfig } from 'vite'

const root = import.meta.dirname

export default defineConfig({
  build: {
    rolldownOptions: {
      input: {
        main: resolve(root, 'index.html'),
        about: resolve(root, 'about/index.html'),
        gallery: resolve(root, 'gallery.html'),
      },
    },
  },
  plugins: [
    // The key comes from ALTTEXT_API_KEY (environment or .env.local), the API from ALTTEXT_API_URL.
    // ALTTEXT_DISABLE=1 builds the site without alt text (the CLI example fixes it afterwards).
    process.env.ALTTEXT_DISABLE
      ? []
      : altText({
          // A budget: a build never spends more than this.
          maxCredits: 50,
          // Optional: where the content-hash cache lives (default node_modules/.cache/alttextapi).
          cacheDir: process.env.ALTTEXT_CACHE_DIR,
          // Optional: the committed alt-text.json (default: the one beside this file).
          cacheFile: process.env.ALTTEXT_CACHE_FILE,
          // Downloads reach only public addresses; the tests serve the remote image from a local
          // host, which they allow here.
          allowHosts: process.env.ALTTEXT_ALLOW_HOST ? [process.env.ALTTEXT_ALLOW_HOST] : undefined,
        }),
  ],
})
