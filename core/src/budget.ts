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
