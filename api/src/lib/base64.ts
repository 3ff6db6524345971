/**
 * Base64 for image bytes on the hot path. Node's Buffer (workerd provides it under
 * `nodejs_compat`) encodes and decodes natively; `atob`/`btoa` go through a binary string and a
 * per-byte loop, which costs milliseconds per request at 100 KB.
 */
import { Buffer } from 'node:buffer'

/** Decodes base64 that the caller has already validated. */
export function decodeBase64(payload: string): Uint8Array {
  const buffer = Buffer.from(payload, 'base64')
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** Encodes bytes as base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
