/**
 * Types for the two @wordpress packages this plugin imports that bring none it can use:
 * @wordpress/block-editor ships no declarations at all, and @wordpress/editor's would pull in a
 * second copy of the whole component stack (its own release line of @wordpress/components) for one
 * slot. Only what the plugin uses is declared; at run time both are WordPress's own scripts
 * (wp.blockEditor, wp.editor), which wp-scripts maps the imports to.
 */

declare module '@wordpress/block-editor' {
  import type { ReduxStoreConfig, StoreDescriptor } from '@wordpress/data'
  import type { JSX, ReactNode } from 'react'

  /** A block in the editor (the fields of @wordpress/blocks' BlockInstance the plugin reads). */
  export interface BlockInstance {
    name: string
    clientId: string
    attributes: Record<string, unknown>
    innerBlocks: BlockInstance[]
  }

  /** Fills the block inspector (the sidebar of the selected block). */
  export function InspectorControls(props: { children?: ReactNode; group?: string }): JSX.Element

  /** The selectors of the block-editor store that the plugin reads. */
  export interface BlockEditorSelectors {
    getBlocks(state: unknown, rootClientId?: string): BlockInstance[]
  }
  /** The actions of the block-editor store that the plugin dispatches. */
  export interface BlockEditorActions {
    updateBlockAttributes(clientId: string, attributes: Record<string, unknown>): void
    selectBlock(clientId: string): void
  }
  /** The block-editor data store ('core/block-editor'). */
  export const store: StoreDescriptor<
    ReduxStoreConfig<unknown, BlockEditorActions, BlockEditorSelectors>
  >
}

declare module '@wordpress/editor' {
  import type { ReduxStoreConfig, StoreDescriptor } from '@wordpress/data'
  import type { JSX, ReactNode } from 'react'

  /** A panel in the document sidebar of the post editor. */
  export function PluginDocumentSettingPanel(props: {
    name: string
    title: string
    className?: string
    children?: ReactNode
  }): JSX.Element

  /** The selectors of the editor store that the plugin reads. */
  export interface EditorSelectors {
    getCurrentPostId(state: unknown): number | string | null
    getEditedPostAttribute(state: unknown, attribute: 'title'): string | undefined
  }
  /** The post editor's data store ('core/editor'). */
  export const store: StoreDescriptor<ReduxStoreConfig<unknown, object, EditorSelectors>>
}
