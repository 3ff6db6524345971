/**
 * Runs "Generate all": one image after another (the server calls the API per image), reporting
 * progress, and stopping early on errors that would repeat for every image (no key, no credits,
 * rate limit, outage).
 */
import { FATAL_CODES } from './api'

/**
 * @param {Array<any>} images
 * @param {(image: any) => Promise<{ok: boolean, code?: string}>} generate
 * @param {(progress: {done: number, failed: number, total: number}) => void} onProgress
 */
export async function runAll(images, generate, onProgress) {
  const progress = { done: 0, failed: 0, total: images.length }
  onProgress({ ...progress })
  for (const image of images) {
    const result = await generate(image)
    if (result.ok) progress.done++
    else progress.failed++
    onProgress({ ...progress })
    if (!result.ok && FATAL_CODES.includes(result.code)) break
  }
  return progress
}
