import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * Builds the dashboard into `dist/`, which the Worker serves through its assets binding.
 * The page runs under `script-src 'self'; style-src 'self'`, so nothing may be inlined:
 * no module-preload polyfill snippet, no assets turned into data: URLs.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
  },
})
