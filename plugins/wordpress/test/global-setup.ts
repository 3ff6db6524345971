/**
 * Starts once for all WordPress tests: checks the system packages (failing with a clear message),
 * builds the plugin and its zip, starts testkit's fake AltText API and a WordPress with the plugin
 * active, and creates the fixtures. Everything is stopped in teardown. The tests (other processes)
 * program the fake through its HTTP control plane (see session.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import type { TestProject } from 'vitest/node'
import { buildPluginZip, checkSystemDeps, PLUGIN_DIR, startWordPress } from './wordpress.mjs'

export interface Fixtures {
  users: { editor: number; author: number; contributor: number }
  big: number
  small: number
  with_alt: number
  decorative: number
  media_text: number
  post: number
  other: number
  own: number
  private_post: number
  private_image: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    wpUrl: string
    wpRoot: string
    wpServerLog: string
    wpDebugLog: string
    fakeUrl: string
    fixtures: Fixtures
  }
}

export default async function setup(project: TestProject) {
  checkSystemDeps()
  const zip = buildPluginZip()
  const fake = await startFakeApi({
    // Every description is new and charged, as for an account that keeps no history: the tests
    // count charges per request (a deliberate second click is a second description).
    reuse: false,
    // Numbered, so a test can tell two descriptions of the same image apart. A caption naming
    // a test case (it reaches the fake in the context) programs the rest of the answer.
    altText: (image) => {
      const altText = `A red test square number ${image.n} (${image.language})`
      if (image.context?.includes('test:decorative'))
        return { altText, decorative: true, kind: 'illustration' }
      if (image.context?.includes('test:chart'))
        return {
          altText,
          kind: 'chart',
          longDescription: `Sales by quarter, image ${image.n}:\nQ1 10\nQ2 20`,
        }
      return altText
    },
  })
  let wp: Awaited<ReturnType<typeof startWordPress>>
  try {
    wp = await startWordPress({ apiUrl: fake.url, zip, apiKey: fake.key, systemCron: true })
  } catch (error) {
    await fake.close()
    throw error
  }
  let fixtures: Fixtures
  try {
    fixtures = JSON.parse(
      wp.php(readFileSync(join(PLUGIN_DIR, 'test/fixtures.php'), 'utf8')),
    ) as Fixtures
  } catch (error) {
    await wp.stop()
    await fake.close()
    throw error
  }
  project.provide('wpUrl', wp.url)
  project.provide('wpRoot', wp.root)
  project.provide('wpServerLog', wp.serverLog)
  project.provide('wpDebugLog', wp.debugLog)
  project.provide('fakeUrl', fake.url)
  project.provide('fixtures', fixtures)
  return async () => {
    await wp.stop()
    await fake.close()
  }
}
