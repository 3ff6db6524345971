/**
 * Stands in for optional peers that are installed in this workspace but never used by the
 * Worker (wrangler.jsonc `alias`): @standard-community's schema converters import zod lazily for
 * zod schemas, and esbuild would otherwise bundle ~700 KB of zod that no request reaches. The API's
 * schemas are valibot's; if a zod schema ever reached the converter, the import fails loudly here.
 */
throw new Error('zod is not part of the AltText API Worker: its schemas are valibot schemas.')
