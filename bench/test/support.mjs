// Helpers of the reliability suites: the real Worker (wrangler dev) with fakes of OpenRouter.
import { startApi, startFakeModel, tinyPng } from '@alttextapi/testkit'

/**
 * A fake OpenRouter and the API (wrangler dev) configured to use it, plus `vars`.
 * @param {Record<string, string>} vars
 */
export async function startApiWithModel(vars = {}) {
  const model = await startFakeModel()
  try {
    const api = await startApi({
      vars: { OPENROUTER_API_KEY: 'k', OPENROUTER_BASE_URL: model.url, ...vars },
    })
    return { model, api }
  } catch (error) {
    await model.close()
    throw error
  }
}

/** POSTs JSON, returns status and parsed body. */
export async function post(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, body: json, text, headers: res.headers }
}

/** GETs with a bearer token, returns the parsed body. */
export async function get(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() }
}

let accounts = 0

/** Signs up a new account; returns its session token and API key. */
export async function signup(api) {
  accounts++
  const email = `reliability-${accounts}-${Date.now()}@example.com`
  const password = 'a-long-enough-password'
  const res = await post(`${api.url}/v1/auth/signup`, { email, password })
  if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${res.text}`)
  return { token: res.body.token, key: res.body.apiKey.key, email, password }
}

/** A small valid PNG as base64, distinct per seed. */
export const pngBase64 = (seed = 0) => Buffer.from(tinyPng(seed)).toString('base64')

/** Every ledger row and the balance of an account, from its data export. */
export async function ledgerOf(api, token) {
  const { body } = await get(`${api.url}/v1/account/export`, token)
  return { balance: body.account.credits, ledger: body.ledger, usage: body.usage }
}
