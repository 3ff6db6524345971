/** Vite 7: the multi-page site built with the packed plugin. */
import { describe } from 'vitest'
import { viteHost } from './vite-suite.js'

describe('Vite 7.3.8', () => viteHost('7.3.8'))
