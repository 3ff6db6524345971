/** Code blocks of a README, so the tests run the examples exactly as users read them. */
import { readFileSync } from 'node:fs'

/** The fenced code blocks of `path` whose info string starts with `lang`, in order. */
export function codeBlocks(path: string, lang: string): string[] {
  const blocks: string[] = []
  const fence = /^```([^\n]*)\n([\s\S]*?)^```\s*$/gm
  for (const match of readFileSync(path, 'utf8').matchAll(fence)) {
    const info = (match[1] ?? '').trim().split(/\s+/)[0]
    if (info === lang) blocks.push(match[2] ?? '')
  }
  return blocks
}

/** The one block of `lang` that contains `marker`; throws when there is none or several. */
export function codeBlock(path: string, lang: string, marker: string): string {
  const found = codeBlocks(path, lang).filter((block) => block.includes(marker))
  if (found.length !== 1)
    throw new Error(
      `${path}: expected one \`\`\`${lang} block with "${marker}", found ${found.length}`,
    )
  return found[0] as string
}
