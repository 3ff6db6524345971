/** Vite 6: the multi-page site built with the packed plugin. */
import { describe } from 'vitest'
import { viteHost } from './vite-suite.js'

describe('Vite 6.4.6', () => viteHost('6.4.6'))
