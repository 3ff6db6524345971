// The same images described through three tools of one account: the CLI (`alttext fix` over a
// built page), WordPress (the plugin's bulk path, `Batch::describe`, run by `php` — see
// wordpress.php) and Sanity (the plugin's describer, as its backfill and Studio actions call it,
// with the API fetching the image from a local stand-in of Sanity's CDN). All against the real
// Worker (`wrangler dev`, local D1) with the fake model. The API's reuse (same SHA-256, language,
// model, maxLength) should make the second and third tool pay nothing.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@alttextapi/core'
import { createDescriber } from '@alttextapi/sanity-plugin/backfill'
import sharp from 'sharp'
import { get, signup, startApiWithModel } from '../test/support.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', '..', 'plugins', 'cli', 'dist', 'cli.js')

/** Runs a child without blocking this process (the fake model answers from here). */
function run(file, args, env = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/**
 * `count` distinct photo-like images within 1024 px (what a web page, a media library and a CMS
 * usually hold), alternating JPEG and PNG, of a few sizes.
 */
async function makeImages(dir, count) {
  const images = []
  for (let n = 0; n < count; n++) {
    const width = [640, 800, 1024, 480][n % 4]
    const height = Math.round((width * 3) / 4)
    const raw = Buffer.alloc(width * height * 3)
    for (let i = 0; i < raw.length; i++) raw[i] = (i * (n + 7) + ((i / 3 / width) | 0) * n) % 251
    const png = n % 2 === 1
    const pipeline = sharp(raw, { raw: { width, height, channels: 3 } })
    const bytes = png ? await pipeline.png().toBuffer() : await pipeline.jpeg().toBuffer()
    const ext = png ? 'png' : 'jpg'
    const path = join(dir, `photo-${n}.${ext}`)
    await writeFile(path, bytes)
    const sha1 = createHash('sha1').update(bytes).digest('hex')
    images.push({
      path,
      ext,
      width,
      height,
      bytes,
      mime: png ? 'image/png' : 'image/jpeg',
      // Sanity names an asset by its SHA-1, size and format.
      sanityRef: `image-${sha1}-${width}x${height}-${ext}`,
    })
  }
  return images
}

/**
 * A stand-in for Sanity's image CDN: `/images/<project>/<dataset>/<id>-WxH.<ext>` answers the
 * original bytes; with `w`/`h`/`fm` it answers a copy made as the real pipeline makes one
 * (resized to fit, re-encoded as JPEG at `q`).
 */
async function startCdn(images) {
  const byFile = new Map(
    images.map((i) => [`${i.sanityRef.split('-')[1]}-${i.width}x${i.height}.${i.ext}`, i]),
  )
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn')
    const image = byFile.get(url.pathname.split('/').pop() ?? '')
    if (!image) {
      res.writeHead(404).end()
      return
    }
    let bytes = image.bytes
    if (url.searchParams.has('w') || url.searchParams.has('fm')) {
      const size = Number(url.searchParams.get('w') ?? 1024)
      bytes = await sharp(bytes)
        .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: Number(url.searchParams.get('q') ?? 80) })
        .toBuffer()
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/**
 * Runs the scenario; resolves to the credits each tool spent (read from the balance), the model
 * calls each made, and the images each tool got reused.
 * @param {{ count?: number, language?: string }} [options]
 */
export async function crossTool({ count = 20, language = 'en-US' } = {}) {
  const tmp = await mkdtemp(join(tmpdir(), 'alttext-cross-tool-'))
  const { model, api } = await startApiWithModel({
    SIGNUP_CREDITS: String(count * 5),
    // The API fetches Sanity's images from the local stand-in of its CDN.
    ALLOW_PRIVATE_IMAGE_URLS: 'true',
  })
  let cdn
  try {
    const account = await signup(api)
    const balance = async () => (await get(`${api.url}/v1/credits`, account.key)).body.balance
    await mkdir(join(tmp, 'site', 'img'), { recursive: true })
    const images = await makeImages(join(tmp, 'site', 'img'), count)
    cdn = await startCdn(images)
    const steps = []
    const step = async (tool, work) => {
      const before = await balance()
      const calls = model.calls
      const start = performance.now()
      const detail = await work()
      const ms = Math.round(performance.now() - start)
      steps.push({
        tool,
        credits: before - (await balance()),
        modelCalls: model.calls - calls,
        ms,
        ...detail,
      })
    }

    // 1. The CLI over a built page that shows every image (the page's language as WordPress writes it).
    await step('CLI', async () => {
      const page = `<!doctype html><html lang="${language}"><head><title>Gallery</title></head><body>${images
        .map((i) => `<p>Photo</p><img src="img/${i.path.split('/').pop()}">`)
        .join('\n')}</body></html>`
      await writeFile(join(tmp, 'site', 'index.html'), page)
      const result = await run(
        process.execPath,
        [
          cli,
          'fix',
          join(tmp, 'site'),
          '--cache-file',
          join(tmp, 'alt-text.json'),
          '--cache',
          join(tmp, 'cache'),
        ],
        { ALTTEXT_API_KEY: account.key, ALTTEXT_API_URL: api.url },
      )
      if (result.status !== 0) throw new Error(`alttext fix failed: ${result.stderr}`)
      const reused = Number(/(\d+) reused/.exec(result.stdout)?.[1] ?? 0)
      return { described: count, reused }
    })

    // 2. WordPress: the same files as attachments of a site in the default locale of that language.
    await step('WordPress', async () => {
      const input = {
        apiUrl: api.url,
        apiKey: account.key,
        locale: language.replace('-', '_'),
        settings: {},
        attachments: images.map((i, n) => ({
          id: 101 + n,
          path: i.path,
          mime: i.mime,
          width: i.width,
          height: i.height,
        })),
      }
      const result = await run('php', [join(here, 'wordpress.php'), JSON.stringify(input)])
      if (result.status !== 0)
        throw new Error(`WordPress bulk failed: ${result.stderr}${result.stdout}`)
      const out = JSON.parse(result.stdout)
      if (out.done !== count)
        throw new Error(`WordPress described ${out.done} of ${count}: ${result.stdout}`)
      return { described: out.done }
    })

    // 3. Sanity: the same files as image assets, described as the backfill describes them.
    await step('Sanity', async () => {
      const describe = createDescriber({
        client: createClient({ apiKey: account.key, baseUrl: api.url }),
        projectId: 'bench',
        dataset: 'production',
        imageBaseUrl: cdn.url,
        batch: true,
      })
      const answers = await Promise.all(
        images.map((i) => describe({ assetRef: i.sanityRef, language })),
      )
      return { described: answers.length, reused: answers.filter((a) => a.reused).length }
    })

    const total = steps.reduce((sum, s) => sum + s.credits, 0)
    return { count, language, steps, total, modelCalls: model.calls }
  } finally {
    await cdn?.close()
    await api.stop()
    await model.close()
    await rm(tmp, { recursive: true, force: true })
  }
}

// `node cross-tool/run.mjs` prints the figures.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await crossTool(), null, 2))
}
