import { describe, expect, it } from 'vitest'
import { gifFile, jpegFile, pngFile, webpFile } from '../../../testkit/src/image-files.js'
import { inspectImage, MAX_PIXELS } from './image.js'

describe('inspectImage', () => {
  it('reads format and size from the bytes', () => {
    expect(inspectImage(pngFile())).toMatchObject({ mime: 'image/png', width: 1, height: 1 })
    expect(inspectImage(pngFile(300, 200))).toMatchObject({
      mime: 'image/png',
      width: 300,
      height: 200,
    })
    expect(inspectImage(jpegFile(640, 480))).toMatchObject({
      mime: 'image/jpeg',
      width: 640,
      height: 480,
    })
    expect(inspectImage(gifFile())).toMatchObject({ mime: 'image/gif', width: 1, height: 1 })
    expect(inspectImage(webpFile())).toMatchObject({ mime: 'image/webp', width: 1, height: 1 })
  })

  it('refuses other formats', () => {
    const bmp = Uint8Array.from([0x42, 0x4d, 0, 0, 0, 0, 0, 0, 0, 0])
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')
    expect(inspectImage(bmp)).toMatchObject({ kind: 'unsupported' })
    expect(inspectImage(svg)).toMatchObject({ kind: 'unsupported' })
    expect(inspectImage(new Uint8Array())).toMatchObject({ kind: 'unsupported' })
  })

  it('refuses truncated files', () => {
    for (const file of [pngFile(), jpegFile(20, 20), gifFile(), webpFile()]) {
      expect(inspectImage(file.subarray(0, file.length - 6))).toMatchObject({ kind: 'truncated' })
    }
    expect(inspectImage(pngFile().subarray(0, 20))).toMatchObject({ kind: 'truncated' })
  })

  it('refuses absurd pixel sizes before decoding anything', () => {
    expect(inspectImage(pngFile(20000, 20000))).toMatchObject({ kind: 'too_large' })
    expect(inspectImage(jpegFile(65000, 65000))).toMatchObject({ kind: 'too_large' })
    expect(inspectImage(pngFile(10000, MAX_PIXELS / 10000))).toMatchObject({ width: 10000 })
    expect(inspectImage(pngFile(0, 10))).toMatchObject({ kind: 'unsupported' })
  })
})
