/**
 * CPU cost of validating request bodies with core's wire schemas (valibot), per request.
 * Run after `pnpm --filter @alttextapi/core build`: `node api/scripts/bench-validation.mjs`.
 * Node 20 runs the same V8 engine as workerd, so the figures carry over to the Worker.
 */
import { AltTextRequest, BatchRequest, SignupRequest } from '@alttextapi/core'
import * as v from 'valibot'

const altText = {
  imageUrl: 'https://example.com/photos/cat-on-a-wall.jpg',
  language: 'en-GB',
  context: 'Page: Our cats. Nearby: The cat sits on the garden wall in the sun.',
  maxLength: 125,
}
const batch = {
  images: Array.from({ length: 10 }, (_, i) => ({
    imageUrl: `https://example.com/${i}.jpg`,
    context: 'x'.repeat(100),
  })),
  language: 'de',
}
const signup = { email: 'a@example.com', password: 'correct horse battery' }

function bench(name, schema, input) {
  const run = () => {
    if (!v.safeParse(schema, input).success) throw new Error(`${name} does not validate`)
  }
  for (let i = 0; i < 20_000; i++) run()
  const rounds = []
  for (let round = 0; round < 5; round++) {
    const n = 200_000
    const start = performance.now()
    for (let i = 0; i < n; i++) run()
    rounds.push(((performance.now() - start) / n) * 1000)
  }
  rounds.sort((a, b) => a - b)
  console.log(
    `${name}: median ${rounds[2].toFixed(2)} µs per validation (runs ${rounds.map((r) => r.toFixed(2)).join(', ')})`,
  )
}

bench('POST /v1/alt-text body (imageUrl, language, context, maxLength)', AltTextRequest, altText)
bench('POST /v1/alt-text/batch body (10 items)', BatchRequest, batch)
bench('POST /v1/auth/signup body', SignupRequest, signup)
