// The baseline of the API-overhead benchmark: a Worker that does the least possible work — it
// takes the same JSON body as POST /v1/alt-text and relays the image to the same model. No auth,
// no validation, no database, no credits. `/with-d1` adds one D1 query (`SELECT 1`) before the
// relay: the price of the one D1 round trip the API cannot do without (key, limit and charge).
export default {
  async fetch(request, env) {
    const { image } = await request.json()
    if (new URL(request.url).pathname === '/with-d1') await env.DB.prepare('SELECT 1').first()
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
              { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${image}` } },
            ],
          },
        ],
      }),
    })
    const body = await response.json()
    return Response.json({ altText: body.choices[0].message.content })
  },
}
