/** Counted nouns in messages: `1 file`, `2 files`. */

/** `count` and `noun`, the noun in the plural (`plural`, else `noun` + s) unless count is 1. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`
}
