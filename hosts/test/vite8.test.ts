/** Vite 8: the multi-page site built with the packed plugin, and the README's config as written. */
import { describe } from 'vitest'
import { viteHost } from './vite-suite.js'

describe('Vite 8.3.8', () => viteHost('8.3.8', { readme: true }))
