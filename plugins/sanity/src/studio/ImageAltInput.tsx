/** "Generate alt text" under every image field that has the alt subfield. */
import { SparklesIcon } from '@sanity/icons'
import { Box, Button, Card, Stack, Text } from '@sanity/ui'
import { useCallback, useEffect, useState } from 'react'
import { type InputProps, type ObjectInputProps, set, useClient, useFormValue } from 'sanity'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { documentParts, imageContext, resolveLanguage } from '../describe/context.js'
import { errorMessage } from '../describe/errors.js'
import type { AssetAlt } from '../provenance/provenance.js'
import { studioDescriber } from '../studio-client.js'
import { isRecord } from '../walk/path.js'
import { isImageSchema, type SchemaNode } from '../walk/schema.js'
import { provenanceText } from './format.js'

/** Whether the plugin adds its button to this input. */
export function wantsAltButton(props: InputProps, altField: string): props is ObjectInputProps {
  const type = props.schemaType as unknown as SchemaNode
  return isImageSchema(type) && (type.fields?.some((f) => f.name === altField) ?? false)
}

/** The `form.components.input` of the plugin. */
export function createImageAltInput(config: ResolvedPluginConfig) {
  // biome-ignore lint/correctness/noComponentHookFactories: made once per plugin config, not per render
  function AltTextImageInput(props: InputProps) {
    if (!wantsAltButton(props, config.altField)) return props.renderDefault(props)
    return <ImageWithAltButton {...props} config={config} />
  }
  return AltTextImageInput
}

function ImageWithAltButton(props: ObjectInputProps & { config: ResolvedPluginConfig }) {
  const { config, value, onChange } = props
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const doc = useFormValue([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const asset = isRecord(value) && isRecord(value.asset) ? value.asset._ref : undefined
  const current = isRecord(value) ? value[config.altField] : undefined
  const caption = isRecord(value) && typeof value.caption === 'string' ? value.caption : undefined
  const [library, setLibrary] = useState<AssetAlt>()

  // The asset's own alt text and its provenance, shown under the button.
  useEffect(() => {
    if (typeof asset !== 'string') return setLibrary(undefined)
    let live = true
    client
      .fetch<AssetAlt | null>('*[_id == $id][0]{altText, altTextProvenance}', { id: asset })
      .then((found) => live && setLibrary(found ?? undefined))
      .catch(() => live && setLibrary(undefined))
    return () => {
      live = false
    }
  }, [asset, client])

  const generate = useCallback(async () => {
    if (typeof asset !== 'string') return
    setBusy(true)
    setError(undefined)
    try {
      const describe = await studioDescriber(client, config)
      const answer = await describe({
        assetRef: asset,
        language: resolveLanguage(doc, config),
        context: imageContext(caption, documentParts(doc)),
      })
      // The editor asked for it: this one button may replace the current text.
      onChange(set(answer.altText, [config.altField]))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }, [asset, caption, client, config, doc, onChange])

  return (
    <Stack space={3}>
      {props.renderDefault(props)}
      <Box>
        <Button
          icon={SparklesIcon}
          mode="ghost"
          text={
            busy
              ? 'Generating…'
              : typeof current === 'string' && current
                ? 'Regenerate alt text'
                : 'Generate alt text'
          }
          disabled={busy || typeof asset !== 'string' || props.readOnly === true}
          onClick={generate}
        />
      </Box>
      {library && (
        <Text size={1} muted>
          Library alt text: {library.altText ? `“${library.altText}”. ` : ''}
          {provenanceText(library)}
        </Text>
      )}
      {error && (
        <Card tone="critical" padding={3} radius={2}>
          <Text size={1}>{error}</Text>
        </Card>
      )}
    </Stack>
  )
}
