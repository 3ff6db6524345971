/** Types of image-files.js for TypeScript callers (the API's workerd tests). */
export declare function pngFile(
  width?: number,
  height?: number,
  seed?: number,
): Uint8Array<ArrayBuffer>
export declare function jpegFile(width?: number, height?: number): Uint8Array<ArrayBuffer>
export declare function gifFile(): Uint8Array<ArrayBuffer>
export declare function webpFile(): Uint8Array<ArrayBuffer>
