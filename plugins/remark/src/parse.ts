/**
 * Parsing a Markdown or MDX source file into mdast with source offsets: micromark (through
 * mdast-util-from-markdown) with front matter (YAML and TOML), GFM (tables, footnotes, autolinks)
 * and, for `.mdx`, MDX (JSX, expressions, ESM).
 */
import type { Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { mdxFromMarkdown } from 'mdast-util-mdx'
import { frontmatter } from 'micromark-extension-frontmatter'
import { gfm } from 'micromark-extension-gfm'
import { mdxjs } from 'micromark-extension-mdxjs'

const MATTER = ['yaml', 'toml'] as const

/** The mdast tree of `text` (without a byte order mark: offsets count from after it). */
export function parseMarkdown(text: string, mdx: boolean): Root {
  return mdx
    ? fromMarkdown(text, {
        extensions: [mdxjs(), frontmatter([...MATTER]), gfm()],
        mdastExtensions: [
          mdxFromMarkdown(),
          frontmatterFromMarkdown([...MATTER]),
          gfmFromMarkdown(),
        ],
      })
    : fromMarkdown(text, {
        extensions: [frontmatter([...MATTER]), gfm()],
        mdastExtensions: [frontmatterFromMarkdown([...MATTER]), gfmFromMarkdown()],
      })
}
