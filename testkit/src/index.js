export { startApi } from './api.js'
export { startFakeModel } from './fake-model.js'
export { freePort, listen, readBody, sendJson } from './http.js'
export { imageSize, PNG_1x1, tinyPng } from './images.js'
