/** `@alttextapi/sanity-plugin/proxy`: the key proxy (see README, Security). */
export { createKeyProxy, type KeyProxyOptions } from './key-proxy.js'
export { serveKeyProxy } from './serve.js'
