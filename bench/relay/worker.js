// The baseline of the API-overhead benchmark: a Worker that does the least possible work — it
// takes the same JSON bodies as POST /v1/alt-text (and /batch) and relays each image to the same
// model. No auth, no validation, no credits. Paths:
//   /            inline image, no database
//   /with-d1     inline image, plus one D1 query (`SELECT 1`): the floor of exact charging
//   /with-2-d1   the same, plus a second query after the answer (`waitUntil`): the floor of a
//                charge before the model and a record after it
//   /url/with-d1 `imageUrl`: one D1 query, the image fetched, then relayed
//   /batch/with-d1 `images` (inline): one D1 query, then every image relayed, 4 at a time
const BATCH_CONCURRENCY = 4

async function describe(env, base64) {
  const response = await fetch(`${env.OPENROUTER_BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${env.OPENROUTER_API_KEY}`,
    },
    body: JSON.stringify({
      model: 'google/gemini-2.5-flash-lite',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this image.' },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${base64}` } },
          ],
        },
      ],
    }),
  })
  const body = await response.json()
  return body.choices[0].message.content
}

async function fetchAsBase64(url) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname
    const body = await request.json()
    if (path.endsWith('/with-d1') || path === '/with-2-d1') await env.DB.prepare('SELECT 1').first()
    if (path === '/with-2-d1') ctx.waitUntil(env.DB.prepare('SELECT 1').first())
    if (path.startsWith('/url/')) {
      return Response.json({ altText: await describe(env, await fetchAsBase64(body.imageUrl)) })
    }
    if (path.startsWith('/batch/')) {
      const results = new Array(body.images.length)
      let next = 0
      const worker = async () => {
        while (next < body.images.length) {
          const i = next++
          results[i] = { altText: await describe(env, body.images[i].image) }
        }
      }
      await Promise.all(Array.from({ length: BATCH_CONCURRENCY }, worker))
      return Response.json({ results })
    }
    return Response.json({ altText: await describe(env, body.image) })
  },
}
