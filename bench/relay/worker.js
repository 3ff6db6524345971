// The baseline of the API-overhead benchmark: a Worker that does the least possible work — it
// takes the same JSON body as POST /v1/alt-text and relays the image to the same model. No auth,
// no validation, no database, no credits.
export default {
  async fetch(request, env) {
    const { image } = await request.json()
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
