type WorkerEnv = import('../src/env.js').Env
type WorkerModule = typeof import('../src/index.js')

declare namespace Cloudflare {
  interface Env extends WorkerEnv {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[]
  }
  interface GlobalProps {
    mainModule: WorkerModule
  }
}
