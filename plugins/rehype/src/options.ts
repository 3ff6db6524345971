/**
 * The settings of a run (shared by the rehype plugin, the Vite plugin and the CLI), with their
 * defaults. A leaf module: it imports nothing of this package, so every other file may read it.
 */
import type { AltTextCache, AltTextClient, DescribeEvent } from '@alttextapi/core'
import type { LintConfig } from '@alttextapi/core/node'
import type { VFile } from 'vfile'

/** The `progress` option: `false` turns it off; an object tunes it. */
export interface ProgressOptions {
  /** Default `process.stderr`; a bar only when it is a TTY. */
  stream?: { write(text: string): unknown; isTTY?: boolean | undefined } | undefined
  /** Quiet this long after the first image; a run that ends sooner prints nothing. Default 2 s. */
  delayMs?: number | undefined
  /** Without a TTY, one line this often. Default 10 s. */
  intervalMs?: number | undefined
}

/** What is known about an image's surroundings; given to a `context` function. */
export interface ImageContext {
  /** `<title>` of the page. */
  title?: string | undefined
  /** Text of the nearest heading before the image. */
  heading?: string | undefined
  /** Text of the `<figcaption>` of the image's `<figure>`. */
  caption?: string | undefined
  /** Text of the nearest block around the image (trimmed to ~300 characters). */
  text?: string | undefined
  /** True when the image is the only content of a link. */
  linkOnly: boolean
  /** The `href` of the link around the image (only content or not). */
  href?: string | undefined
  /**
   * The link's text: beside the image, or, when the image is its only content, the link's own
   * name (`aria-label`, else `title`).
   */
  linkText?: string | undefined
  /** The image source as written in the HTML. */
  src: string
}

/** Which images to describe, by their source as written (`src` or the chosen `srcset` entry). */
export type ImageFilter = string | RegExp | ((src: string, file: VFile) => boolean)

/** The settings of a run (every field optional); `Options` adds `run`. */
export interface RunOptions {
  /** API key. Default: `ALTTEXT_API_KEY` from the environment. */
  apiKey?: string | undefined
  /** API base URL. Default: `ALTTEXT_API_URL`, else `https://api.alttextapi.com`. */
  baseUrl?: string | undefined
  /** A ready client (then `apiKey`/`baseUrl` are not used). */
  client?: AltTextClient | undefined
  /**
   * Language (BCP 47) when the page names none: a `lang` on the image or an ancestor (usually
   * `<html lang>`) wins. Default `'en'`.
   */
  language?: string | undefined
  /** Folder that root-relative sources (`/img/a.png`) are read from. Default `process.cwd()`. */
  publicDir?: string | undefined
  /**
   * Folder that bounds every local read: a relative source (symlinks resolved) outside it and
   * outside `publicDir` is refused, never read nor uploaded. Default `process.cwd()`.
   */
  root?: string | undefined
  /** URL path the site is served under (`/blog/`): stripped from root-relative sources. Default `/`. */
  basePath?: string | undefined
  /** Replace existing, non-empty alt text. Default `false`. */
  overwrite?: boolean | undefined
  /** Describe images marked decorative (`alt=""`). Default `false`: they are left alone. */
  describeDecorative?: boolean | undefined
  /**
   * Where descriptions are kept between runs; `false` for none. Default: core's build cache —
   * the committed `alt-text.json` (`cacheFile`) first, then a `FileCache` in `cacheDir`.
   */
  cache?: AltTextCache | false | undefined
  /**
   * The committed cache file (image content hash → alt text; commit it so CI and fresh clones
   * pay nothing), relative to the cwd; `false` for none. Default `alt-text.json`.
   */
  cacheFile?: string | false | undefined
  /**
   * Make the nearby text part of the cache key: an edited paragraph then describes (and pays
   * for) its image again. Default `false`: the image, language, model and maxLength decide.
   */
  cacheByContext?: boolean | undefined
  /**
   * Progress of a long run: after 2 s, a bar on a terminal (stderr), else a plain line every 10 s
   * (CI logs); `false` turns it off (tools that show their own, like the Vite plugin and the CLI,
   * pass `false`). Default `true`.
   */
  progress?: boolean | ProgressOptions | undefined
  /** Called after every image (and once on a fatal stop) with the run's live counters. */
  onProgress?: ((event: DescribeEvent) => void) | undefined
  /**
   * Keep whole filled pages too (in `<cacheDir>/pages/`), so an unchanged page with unchanged
   * images is not parsed again (`fillAltText` only: the Vite plugin and the CLI). Default `true`;
   * off with `cache: false`, a cache that is not a `FileCache`, a dry run, or a `context`,
   * `include` or `exclude` function.
   */
  pageCache?: boolean | undefined
  /** Folder of the default file cache. Default `node_modules/.cache/alttextapi` under the cwd. */
  cacheDir?: string | undefined
  /** API requests at once (single or batch). Default 4. */
  concurrency?: number | undefined
  /**
   * Send images found close together as one batch request (up to 10 images): fewer round trips.
   * Default `true`; `false` sends every image alone.
   */
  batch?: boolean | undefined
  /** Most images sent to the API in one run; the rest are skipped (reported). Default unlimited. */
  maxImages?: number | undefined
  /** Most credits spent in one run; the rest are skipped (reported). Default unlimited. */
  maxCredits?: number | undefined
  /** Find and report, but call nothing and change nothing. Default `false`. */
  dryRun?: boolean | undefined
  /**
   * `true`: a problem with one image fails the file (`file.fail`). Default (unset): such an image
   * is reported and left as it was, but a fatal answer — bad key (401), no credits (402), 403,
   * `model_not_configured`, the API unreachable — fails the file once. `false`: nothing fails the
   * file; a fatal answer is one message per file.
   */
  failOnError?: boolean | undefined
  /**
   * Also lint the alt text the page already has (core's rules: file name, placeholder, "image
   * of", repeated caption or text, too long, duplicate, language) as `file.message`s with rule id
   * `alttext:<rule>`; errors are fatal messages. `true` for every default, or a lint
   * configuration (severities, `maxLength`, `minConfidence`). Default `false` (opt-in).
   */
  lint?: boolean | LintConfig | undefined
  /**
   * Write `alt=""` when the API judges an image decorative (spacer, divider, texture). Default
   * `false`: such an image is left as it was and reported (`file.message`, rule id `decorative`)
   * for a person to decide — a decorative answer is never applied silently.
   */
  applyDecorative?: boolean | undefined
  /**
   * Ask for a long description too (charts, diagrams, screenshots of text; costs extra credits,
   * see the API's `longCredits`) and write it: the image gets `aria-describedby` pointing at a
   * `<span hidden>` with the text, right after the image (phrasing content: valid in a `<p>`, a
   * link or a figure; screen readers read it as the image's description, the layout does not
   * change). Not written inside `<picture>` or when the image has an `aria-describedby` already
   * (reported). Default `false`.
   */
  long?: boolean | undefined
  /**
   * Mark each `<img>` whose written alt text a machine wrote with `data-alt-origin="machine"`, for
   * sites that disclose it (text a person wrote or edited in alt-text.json is not marked). Default
   * `false`.
   */
  markOrigin?: boolean | undefined
  /** Model id (see `client.models()`). Default: the API's default model. */
  model?: string | undefined
  /** Longest alt text in characters. Default: the API's (125). */
  maxLength?: number | undefined
  /** Send context (title, heading, caption, nearby text, link). Default `true`. */
  context?: boolean | ((context: ImageContext, file: VFile) => string | undefined) | undefined
  /** Only images whose source matches (substring, RegExp or function). Default: all. */
  include?: ImageFilter | ImageFilter[] | undefined
  /** Not images whose source matches. Default: none. */
  exclude?: ImageFilter | ImageFilter[] | undefined
  /**
   * http(s) images: `'download'` (default) fetches them here (timeout and size cap) and sends the
   * bytes, so the content-hash cache works and the URL is not stored by the API; `'url'` sends the
   * URL for the API to fetch (must be public; cached by URL); `'skip'` leaves them alone.
   */
  remoteImages?: 'download' | 'url' | 'skip' | undefined
  /** Timeout of one image download in ms. Default 15000. */
  fetchTimeoutMs?: number | undefined
  /** Largest image read or downloaded, in bytes. Default 25 MB (downscaled before upload). */
  maxImageBytes?: number | undefined
  /** Longest side of an uploaded image; larger ones are downscaled with sharp. Default 1024. */
  maxSide?: number | undefined
  /**
   * Finds an image's bytes before the built-in lookup (the Vite plugin reads its bundle here).
   * Return undefined to fall through.
   */
  resolveImage?:
    | ((src: string, file: VFile) => Promise<Uint8Array | undefined> | Uint8Array | undefined)
    | undefined
  /**
   * Hosts (as written in image URLs, e.g. `127.0.0.1` or `cms.intranet`) that downloads may reach
   * although they are loopback, private or link-local. Default none: like the API, a download (and
   * every redirect) to such an address is refused before connecting.
   */
  allowHosts?: string[] | undefined
  /**
   * The fetch used for downloads. Default: a Node fetch that follows the public-address rule
   * (`allowHosts`); one given here is used as it is, without that check.
   */
  fetch?: typeof fetch | undefined
}

/** Defaults, in one place for the README and the code. */
export const DEFAULTS = {
  language: 'en',
  concurrency: 4,
  remoteImages: 'download',
  fetchTimeoutMs: 15_000,
  maxImageBytes: 25 * 1024 * 1024,
  maxSide: 1024,
} as const
