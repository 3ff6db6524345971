/** "Generate alt text" under every image field that has the alt subfield. */
import { SparklesIcon } from '@sanity/icons'
import { Box, Button, Card, Flex, Stack, Text } from '@sanity/ui'
import { useCallback, useEffect, useState } from 'react'
import {
  type InputProps,
  type ObjectInputProps,
  set,
  useClient,
  useCurrentUser,
  useFormValue,
} from 'sanity'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { documentParts, imageContext, resolveLanguage } from '../describe/context.js'
import type { Described } from '../describe/describer.js'
import { errorMessage } from '../describe/errors.js'
import { FIELD_ASSET_QUERY, type FieldAsset, saveFieldAnswer } from '../provenance/field-answer.js'
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
  const user = useCurrentUser()
  const doc = useFormValue([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [suggestion, setSuggestion] = useState<Described>()
  const asset = isRecord(value) && isRecord(value.asset) ? value.asset._ref : undefined
  const current = isRecord(value) ? value[config.altField] : undefined
  const caption = isRecord(value) && typeof value.caption === 'string' ? value.caption : undefined
  // The long description goes to the image's own subfield, when its type declares one.
  const longField =
    config.longDescriptionField &&
    (props.schemaType as unknown as SchemaNode).fields?.some(
      (f) => f.name === config.longDescriptionField,
    )
      ? config.longDescriptionField
      : undefined
  const currentLong = longField && isRecord(value) ? value[longField] : undefined
  const [library, setLibrary] = useState<FieldAsset>()

  // The asset's own alt text and its provenance, shown under the button.
  const loadLibrary = useCallback(async () => {
    if (typeof asset !== 'string') return undefined
    return (await client.fetch<FieldAsset | null>(FIELD_ASSET_QUERY, { id: asset })) ?? undefined
  }, [asset, client])
  useEffect(() => {
    let live = true
    loadLibrary()
      .then((found) => live && setLibrary(found))
      .catch(() => live && setLibrary(undefined))
    return () => {
      live = false
    }
  }, [loadLibrary])

  /** Stores the answer on the asset too (where a machine may write), then shows the result. */
  const saveOnAsset = useCallback(
    async (answer: Described, decorative: boolean) => {
      if (!library) return
      try {
        await saveFieldAnswer(client, library, answer, {
          decorative,
          reviewer: user ? { id: user.id } : undefined,
          longDescriptionField: config.longDescriptionField,
        })
        setLibrary(await loadLibrary())
      } catch (e) {
        setError(`The field was filled; the library's alt text was not saved: ${errorMessage(e)}`)
      }
    },
    [client, config.longDescriptionField, library, loadLibrary, user],
  )

  /** Puts the machine's text in the field (the editor asked: it may replace the field's text). */
  const apply = useCallback(
    async (answer: Described) => {
      setSuggestion(undefined)
      const patches = [set(answer.altText, [config.altField])]
      // A long description someone wrote is kept.
      if (longField && answer.longDescription && !currentLong)
        patches.push(set(answer.longDescription, [longField]))
      onChange(patches)
      await saveOnAsset(answer, false)
    },
    [config.altField, currentLong, longField, onChange, saveOnAsset],
  )

  const acceptDecorative = useCallback(async () => {
    if (!suggestion) return
    setSuggestion(undefined)
    onChange(set('', [config.altField]))
    await saveOnAsset(suggestion, true)
  }, [config.altField, onChange, saveOnAsset, suggestion])

  const generate = useCallback(async () => {
    if (typeof asset !== 'string') return
    setBusy(true)
    setError(undefined)
    setSuggestion(undefined)
    try {
      const describe = await studioDescriber(client, config)
      const answer = await describe({
        assetRef: asset,
        language: resolveLanguage(doc, config),
        context: imageContext(caption, documentParts(doc)),
        long: longField ? true : undefined,
      })
      // A decorative judgement is a suggestion: the editor decides (never applied silently).
      if (answer.decorative) setSuggestion(answer)
      else await apply(answer)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }, [apply, asset, caption, client, config, doc, longField])

  const disabled = busy || typeof asset !== 'string' || props.readOnly === true
  return (
    <Stack space={3}>
      {props.renderDefault(props)}
      <Stack space={3} data-testid="alttext-field-action">
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
            disabled={disabled}
            onClick={generate}
          />
        </Box>
        {suggestion && (
          <Card tone="caution" padding={3} radius={2} role="status">
            <Stack space={3}>
              <Text size={1}>
                The machine judges this image decorative: it seems to carry no information (spacer,
                divider, texture). Decorative images get an empty alt text, so screen readers skip
                them.
              </Text>
              <Flex gap={2} wrap="wrap">
                <Button
                  mode="ghost"
                  text="Mark as decorative"
                  disabled={disabled}
                  onClick={acceptDecorative}
                />
                {suggestion.altText.trim() && (
                  <Button
                    mode="ghost"
                    text={`Use “${suggestion.altText}”`}
                    disabled={disabled}
                    // The editor chose the text: no decorative suggestion is kept with it.
                    onClick={() => apply({ ...suggestion, decorative: undefined })}
                  />
                )}
              </Flex>
            </Stack>
          </Card>
        )}
        {library && (
          <Text size={1} muted>
            Library alt text: {library.altText ? `“${library.altText}”. ` : ''}
            {provenanceText(library)}
          </Text>
        )}
        {error && (
          <Card tone="critical" padding={3} radius={2} role="alert">
            <Text size={1}>{error}</Text>
          </Card>
        )}
      </Stack>
    </Stack>
  )
}
