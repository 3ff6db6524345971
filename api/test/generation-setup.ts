/**
 * Runs once in Node before the test files: starts the fake OpenRouter control plane (tests create
 * their own fake model through it) and the local image server, and hands their URLs to the
 * Worker's bindings (vitest.config.ts).
 */
import type { TestProject } from 'vitest/node'

interface FakeControl {
  url: string
  images: { url: string }
  close(): Promise<void>
}

export default async function setup(project: TestProject) {
  const testkit = new URL('../../testkit/src/fake-control.js', import.meta.url).href
  const { startFakeControl } = (await import(testkit)) as {
    startFakeControl: () => Promise<FakeControl>
  }
  const control = await startFakeControl()
  project.provide('fakeControlUrl', control.url)
  project.provide('imageServerUrl', control.images.url)
  return async () => {
    await control.close()
  }
}

/** The host name tests use for a "public" image host; the test runtime routes it to the image server. */
export const PUBLIC_IMAGE_HOST = 'images.example.net'

declare module 'vitest' {
  export interface ProvidedContext {
    fakeControlUrl: string
    imageServerUrl: string
  }
}
