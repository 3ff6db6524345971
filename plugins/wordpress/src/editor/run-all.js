/**
 * Runs "Generate all": one image after another (the server calls the API per image), reporting
 * progress, and stopping early on errors that would repeat for every image (`isFatal` in api.js:
 * no key, bad key, no credits, no model, unreachable, rate limit).
 */

/**
 * @param {Array<any>} images
 * @param {(image: any) => Promise<{ok: boolean, code?: string, fatal?: boolean}>} generate
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
    if (!result.ok && result.fatal) break
  }
  return progress
}
