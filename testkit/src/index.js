export { startApi } from './api.js'
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './browser.js'
export { FAKE_API_KEY, FAKE_MODELS, startFakeApi } from './fake-api.js'
export { defaultAltText } from './fake-api-describe.js'
export { startFakeControl } from './fake-control.js'
export { startFakeModel } from './fake-model.js'
export { PIXEL_PNG, startFakeSanity } from './fake-sanity.js'
export { decodeStripeForm, startFakeStripe } from './fake-stripe.js'
export { freePort, listen, readBody, sendJson } from './http.js'
export { gifFile, jpegFile, pngFile, webpFile } from './image-files.js'
export { startImageServer } from './image-server.js'
export { imageSize, PNG_1x1, seedOf, tinyPng } from './images.js'

/** @typedef {import('./fake-api.js').FakeApi} FakeApi */
/** @typedef {import('./fake-api-describe.js').FakeImage} FakeImage */
/** @typedef {import('./fake-api-failures.js').FailureSpec} FailureSpec */
/** @typedef {import('./fake-sanity.js').Doc} Doc */
/** @typedef {import('./fake-sanity.js').FakeSanity} FakeSanity */
/** @typedef {import('./fake-sanity.js').SeenRequest} SeenRequest */
