/**
 * The thumbnails of a review: the image files under the site root, by the SHA-256 of their bytes
 * (the key of alt-text.json). Only files inside the root are found (`findFiles` leaves symlinks
 * out of it aside), so the review page can never serve a file from elsewhere.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { findFiles } from '../files.js'

/** The image files the page shows, by their extension (the formats the API reads). */
const IMAGE_FILE = /\.(jpe?g|png|gif|webp)$/i

/** Largest file hashed for a thumbnail (larger ones get none: the page stays light). */
const MAX_THUMBNAIL_BYTES = 25 * 1024 * 1024

/** Content types by extension (the bytes were written by the site's build). */
export const CONTENT_TYPE: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
}

/** Image hash → the first file (sorted) with those bytes. */
export async function findThumbnails(root: string): Promise<Map<string, string>> {
  const files = await findFiles(root, IMAGE_FILE)
  const byHash = new Map<string, string>()
  for (const file of files) {
    try {
      if ((await stat(file)).size > MAX_THUMBNAIL_BYTES) continue
      const hash = createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
      if (!byHash.has(hash)) byHash.set(hash, file)
    } catch {
      // A file that cannot be read simply has no thumbnail.
    }
  }
  return byHash
}

/** The content type of a thumbnail file. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPE[extname(file).toLowerCase()] ?? 'application/octet-stream'
}
