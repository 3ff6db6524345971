/** Document action "Generate missing alt text": every image of the document in one transaction. */
import { SparklesIcon } from '@sanity/icons'
import { Card, Stack, Text } from '@sanity/ui'
import { useMemo, useState } from 'react'
import { type DocumentActionComponent, useClient, useSchema } from 'sanity'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { errorMessage } from '../describe/errors.js'
import { type FillProgress, type FillSummary, fillDocumentAlt } from '../fill/fill-document.js'
import { studioDescriber } from '../studio-client.js'
import { findImagesMissingAlt } from '../walk/find-images.js'
import type { SchemaNode } from '../walk/schema.js'
import { progressLabel, summaryText } from './format.js'

type RunState =
  | { status: 'idle' }
  | { status: 'running'; progress?: FillProgress }
  | { status: 'done'; summary: FillSummary }
  | { status: 'error'; message: string; summary?: FillSummary }

/** Creates the action for the given config. */
export function createGenerateMissingAltAction(config: ResolvedPluginConfig) {
  // biome-ignore lint/correctness/noComponentHookFactories: made once per plugin config, not per render
  const GenerateMissingAltAction: DocumentActionComponent = (props) => {
    const client = useClient({ apiVersion: STUDIO_API_VERSION })
    const schema = useSchema()
    const [state, setState] = useState<RunState>({ status: 'idle' })
    const [open, setOpen] = useState(false)
    const doc = props.version ?? props.draft ?? props.published
    const schemaType = schema.get(props.type) as unknown as SchemaNode | undefined
    const missing = useMemo(
      () => (doc ? findImagesMissingAlt(doc, { altField: config.altField, schemaType }).length : 0),
      [doc, schemaType],
    )
    const running = state.status === 'running'

    const run = async () => {
      if (!doc) return
      setOpen(true)
      setState({ status: 'running' })
      try {
        const summary = await fillDocumentAlt({
          client,
          documentId: doc._id,
          describe: await studioDescriber(client, config),
          altField: config.altField,
          schemaType: {
            ...(schemaType ?? { name: props.type }),
            // A release version is edited in place, like a live-edit document.
            liveEdit: props.liveEdit || Boolean(props.version),
          },
          language: config.language,
          languageField: config.languageField,
          concurrency: config.concurrency,
          onProgress: (progress) => setState({ status: 'running', progress }),
        })
        setState({ status: 'done', summary })
      } catch (error) {
        const summary = (error as { summary?: FillSummary }).summary
        setState({ status: 'error', message: errorMessage(error), summary })
      }
    }

    return {
      label: running ? progressLabel(state.progress) : 'Generate missing alt text',
      icon: SparklesIcon,
      disabled: running || missing === 0,
      title:
        missing === 0
          ? 'Every image has alt text'
          : `${missing} image${missing === 1 ? '' : 's'} without alt text`,
      onHandle: run,
      dialog: open && {
        type: 'dialog',
        header: 'Alt text',
        onClose: () => {
          if (!running) setOpen(false)
        },
        content: <RunReport state={state} />,
      },
    }
  }
  GenerateMissingAltAction.displayName = 'GenerateMissingAltAction'
  return GenerateMissingAltAction
}

function RunReport({ state }: { state: RunState }) {
  if (state.status === 'running')
    return (
      <Text data-testid="alttext-action-report" role="status">
        {progressLabel(state.progress)}
      </Text>
    )
  if (state.status === 'idle') return null
  const summary = state.summary
  return (
    <Stack space={3} data-testid="alttext-action-report">
      {state.status === 'error' && (
        <Card tone="critical" padding={3} radius={2}>
          <Text>{state.message}</Text>
        </Card>
      )}
      {summary && <Text>{summaryText(summary)}</Text>}
      {summary?.failed.map((f) => (
        <Text key={f.path} size={1} muted>
          {f.path}: {f.message}
        </Text>
      ))}
    </Stack>
  )
}
