type WorkerEnv = import('../src/env.js').Env
type WorkerModule = typeof import('../src/index.js')

declare namespace Cloudflare {
  interface Env extends WorkerEnv {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[]
    /** Control plane of the fake OpenRouter (test/generation-setup.ts). */
    FAKE_CONTROL_URL: string
    /** The local image server. */
    IMAGE_SERVER_URL: string
  }
  interface GlobalProps {
    mainModule: WorkerModule
  }
}
