/**
 * The budget of one run: at most `maxImages` images sent and `maxCredits` credits spent. A slot is
 * reserved before a call (at the model's price, asked once) and settled with what the API says it
 * charged, so images described in parallel cannot overshoot the budget together.
 */
import type { AltTextClient } from './client.js'

/** Limits of one run; both default to unlimited. */
export interface Budget {
  /** Most images sent to the API. */
  maxImages?: number | undefined
  /** Most credits spent. */
  maxCredits?: number | undefined
}

/** A reserved slot (`credits` at the price asked), or why there is none. */
export type Reservation = { ok: true; credits: number } | { ok: false; reason: string }

/** The run's budget keeper; see the module comment. */
export interface BudgetKeeper {
  /** Takes a slot for one image of `model` (absent: the API's default model). */
  reserve(model: string | undefined): Promise<Reservation>
  /** Gives a slot's reserved credits back and counts what was really `spent`. */
  settle(reservation: { credits: number }, spent: number): void
  /** Credits spent so far. */
  readonly spent: number
}

/** Creates the budget keeper of a run; `client` answers the price of a model (asked once). */
export function createBudget(budget: Budget, client: AltTextClient): BudgetKeeper {
  const { maxImages, maxCredits } = budget
  let calls = 0
  let reserved = 0
  let spent = 0
  const prices = new Map<string, Promise<number>>()
  const pricePerImage = (wanted: string | undefined) => {
    const known = prices.get(wanted ?? '')
    if (known) return known
    const price = (async () => {
      try {
        const { models } = await client.models()
        const found = wanted ? models.find((m) => m.id === wanted) : models.find((m) => m.default)
        return found?.credits ?? 1
      } catch {
        // An unknown price counts as 1: the budget still holds by the API's own counts.
        return 1
      }
    })()
    prices.set(wanted ?? '', price)
    return price
  }
  const imagesLeft = () => maxImages === undefined || calls < maxImages
  return {
    get spent() {
      return spent
    },
    async reserve(model) {
      if (!imagesLeft()) return { ok: false, reason: `budget of ${maxImages} images reached` }
      let credits = 0
      if (maxCredits !== undefined) {
        credits = await pricePerImage(model)
        if (spent + reserved + credits > maxCredits)
          return { ok: false, reason: `budget of ${maxCredits} credits reached` }
      }
      // Checked again: the price lookup awaited, another image may have taken the last slot.
      if (!imagesLeft()) return { ok: false, reason: `budget of ${maxImages} images reached` }
      calls++
      reserved += credits
      return { ok: true, credits }
    },
    settle(reservation, used) {
      reserved -= reservation.credits
      spent += used
    },
  }
}

/** What a run will cost, before it spends anything (from a dry run's summary). */
export interface Estimate {
  /** Distinct images that would be sent to the API. */
  toDescribe: number
  /** Images answered without a call (the cache, or an identical image of the run). */
  cached: number
  /** Credits per image of the model asked for (1 when the price list cannot be read). */
  pricePerImage: number
  /** Most credits the run can spend: `toDescribe × pricePerImage` (reused images cost 0). */
  creditsNeeded: number
  /** The account's balance, when `GET /v1/credits` answered. */
  balance?: number | undefined
  /** False when the balance is known and below `creditsNeeded`. */
  enough: boolean
  /** The run's `maxCredits`, when set. */
  maxCredits?: number | undefined
  /** False when `maxCredits` is set and below `creditsNeeded`. */
  withinBudget: boolean
}

/**
 * Prices a planned run: `planned` images to send and `cached` answered without a call, for
 * `model` (absent: the API's default), against the balance (`GET /v1/credits`) and `maxCredits`.
 * Never rejects: a price or balance that cannot be read is left out (price 1).
 */
export async function estimateCost(
  client: AltTextClient,
  input: { planned: number; cached: number; model?: string | undefined; maxCredits?: number },
): Promise<Estimate> {
  const [models, credits] = await Promise.all([
    input.planned > 0 ? client.models().catch(() => undefined) : undefined,
    client.credits().catch(() => undefined),
  ])
  const list = models?.models ?? []
  const found = input.model ? list.find((m) => m.id === input.model) : list.find((m) => m.default)
  const pricePerImage = found?.credits ?? 1
  const creditsNeeded = input.planned * pricePerImage
  const balance = credits?.balance
  return {
    toDescribe: input.planned,
    cached: input.cached,
    pricePerImage,
    creditsNeeded,
    balance,
    enough: balance === undefined || balance >= creditsNeeded,
    maxCredits: input.maxCredits,
    withinBudget: input.maxCredits === undefined || creditsNeeded <= input.maxCredits,
  }
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * One line: `3 images to describe (up to 3 credits), 12 cached; balance 40 credits` — with
 * `: 5 more credits needed` when the balance is short and the budget when one is set.
 */
export function formatEstimate(estimate: Estimate): string {
  const { toDescribe, cached, creditsNeeded, balance, maxCredits } = estimate
  let line = `${count(toDescribe, 'image')} to describe (up to ${count(creditsNeeded, 'credit')}), ${cached} cached`
  if (balance !== undefined) {
    line += `; balance ${count(balance, 'credit')}`
    if (balance < creditsNeeded) line += `: ${count(creditsNeeded - balance, 'more credit')} needed`
  }
  if (maxCredits !== undefined)
    line += `; budget ${count(maxCredits, 'credit')}${estimate.withinBudget ? '' : ': over budget'}`
  return line
}

/**
 * The one message of a run whose budget kept images back, or undefined: `skipped` is the
 * summary's skips by reason.
 */
export function budgetStop(
  skipped: Readonly<Record<string, number>>,
  /** The settings that raise the budget, as the tool names them. */
  raise = 'maxCredits / --max-credits',
): string | undefined {
  const reasons = Object.entries(skipped).filter(([reason]) => isBudgetReason(reason))
  if (reasons.length === 0) return undefined
  const images = reasons.reduce((sum, [, n]) => sum + n, 0)
  return `${reasons.map(([reason]) => reason).join(', ')}: ${count(images, 'image')} not described. Raise the budget (${raise}) to describe them.`
}

/** Whether a skip reason is the budget's (`budget of N images reached`, `… credits reached`). */
export function isBudgetReason(reason: string | undefined): boolean {
  return reason?.startsWith('budget of ') ?? false
}
