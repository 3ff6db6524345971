/**
 * The document's front matter: from a `yaml`/`toml` node (remark-frontmatter, or our own parse in
 * source mode) or from what a host already parsed into `file.data` (Astro's
 * `file.data.astro.frontmatter`, vfile-matter's `file.data.matter`, `file.data.frontmatter`).
 *
 * YAML is read by js-yaml 4 (what Astro and gray-matter read front matter with): on the front
 * matter of 1,000 posts it took 95–520 ms against 2.0–3.7 s for the `yaml` package and 0.76–1.6 s
 * for js-yaml 5 (measured here, see BENCHMARKS.md), the largest cost of `fix --source` over
 * `check --source` after the writes.
 */

import { load as parseYaml } from 'js-yaml'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'

/** The front-matter fields this plugin reads. */
export interface FrontMatter {
  title?: string | undefined
  language?: string | undefined
}

type Fields = Record<string, unknown>

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined

function pick(fields: Fields | undefined): FrontMatter {
  if (!fields || typeof fields !== 'object') return {}
  return { title: text(fields.title), language: text(fields.lang) ?? text(fields.language) }
}

/**
 * TOML front matter (Hugo's `+++`): only the three top-level string keys read here, by a line
 * pattern. A TOML library would be a dependency for three keys; a key it misses only means no
 * title or language is sent.
 */
function fromToml(value: string): Fields {
  const fields: Fields = {}
  for (const match of value.matchAll(
    /^[ \t]*(title|lang|language)[ \t]*=[ \t]*(["'])(.*?)\2[ \t]*$/gm,
  ))
    fields[match[1] as string] = match[3]
  return fields
}

/** The front matter of `tree`/`file`; fields already parsed by the host win. */
export function readFrontMatter(tree: Root, file: VFile): FrontMatter {
  const data = file.data as Record<string, unknown>
  const astro = (data.astro as { frontmatter?: Fields } | undefined)?.frontmatter
  const host = pick(astro ?? (data.matter as Fields) ?? (data.frontmatter as Fields))
  let own: FrontMatter = {}
  const first = tree.children[0] as { type: string; value?: string } | undefined
  if (first?.type === 'yaml' && typeof first.value === 'string') {
    try {
      own = pick(parseYaml(first.value) as Fields)
    } catch {
      // Broken YAML is the host's to report; it only means no title or language here.
    }
  } else if (first?.type === 'toml' && typeof first.value === 'string') {
    own = pick(fromToml(first.value))
  }
  return { title: host.title ?? own.title, language: host.language ?? own.language }
}
