// `pnpm bench`: runs every benchmark and prints one line per figure beside its target.
import { machine, results } from './lib.mjs'

const suites = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['cost', 'api-overhead', 'build-plugin', 'cli', 'lint', 'source', 'astro', 'memory']

console.log(`AltText API benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine()}`)
for (const name of suites) {
  const module = await import(`./${name}.mjs`)
  try {
    await module.run()
  } catch (error) {
    console.log(`${name}: failed — ${error instanceof Error ? error.message : error}`)
    results.push({ name, ok: false })
  }
}
const missed = results.filter((r) => r.ok === false).length
console.log(missed ? `${missed} figure(s) missed their target` : 'every figure met its target')
process.exitCode = missed ? 1 : 0
