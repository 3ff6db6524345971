/** The Studio tool "Alt text review": machine-written, unreviewed assets to approve, edit or regenerate. */
import { CheckmarkIcon, EditIcon, RefreshIcon } from '@sanity/icons'
import { Box, Button, Card, Container, Flex, Heading, Stack, Text, TextInput } from '@sanity/ui'
import { useCallback, useEffect, useState } from 'react'
import { useClient, useCurrentUser } from 'sanity'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { errorMessage } from '../describe/errors.js'
import {
  approveAsset,
  editAsset,
  markDecorativeAsset,
  type ReviewAsset,
  regenerateAsset,
  reviewQueue,
} from '../provenance/review.js'
import { studioDescriber } from '../studio-client.js'
import { provenanceText } from './format.js'

/** Creates the review tool component for the given config. */
export function createReviewTool(config: ResolvedPluginConfig) {
  // biome-ignore lint/correctness/noComponentHookFactories: made once per plugin config, not per render
  return function AltTextReviewTool() {
    const client = useClient({ apiVersion: STUDIO_API_VERSION })
    const user = useCurrentUser()
    const [assets, setAssets] = useState<ReviewAsset[]>()
    const [error, setError] = useState<string>()

    const load = useCallback(async () => {
      setError(undefined)
      try {
        setAssets(await reviewQueue(client))
      } catch (e) {
        setError(errorMessage(e))
      }
    }, [client])
    useEffect(() => {
      void load()
    }, [load])

    return (
      <Container width={2} padding={4} data-testid="alttext-review-tool">
        <Stack space={4}>
          <Heading as="h1" size={3}>
            Alt text review
          </Heading>
          <Text muted>
            Alt text the machine wrote that nobody has reviewed yet. Approve it, edit it (it then
            counts as a person's text and is never replaced), or ask for a new one.
          </Text>
          {error && (
            <Card tone="critical" padding={3} radius={2} role="alert">
              <Text>{error}</Text>
            </Card>
          )}
          {!assets && !error && <Text muted>Loading…</Text>}
          {assets?.length === 0 && <Text>Nothing to review.</Text>}
          {assets?.map((asset) => (
            <ReviewRow
              key={asset._id}
              asset={asset}
              reviewer={user ? { id: user.id } : undefined}
              config={config}
              onDone={(id) => setAssets((list) => list?.filter((a) => a._id !== id))}
            />
          ))}
        </Stack>
      </Container>
    )
  }
}

function ReviewRow({
  asset,
  reviewer,
  config,
  onDone,
}: {
  asset: ReviewAsset
  reviewer: { id: string } | undefined
  config: ResolvedPluginConfig
  onDone: (id: string) => void
}) {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const [current, setCurrent] = useState(asset)
  const [draft, setDraft] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ tone: 'critical' | 'positive'; text: string }>()
  const name = current.originalFilename || current._id

  const act = async (work: () => Promise<string | undefined>, done: boolean) => {
    setBusy(true)
    setMessage(undefined)
    try {
      const text = await work()
      if (done) onDone(current._id)
      else if (text) setMessage({ tone: 'positive', text })
    } catch (e) {
      setMessage({ tone: 'critical', text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }
  const who = () => {
    if (!reviewer) throw new Error('The signed-in user is unknown: reload the Studio.')
    return reviewer
  }
  const approve = () => act(() => approveAsset(client, current, who()).then(() => undefined), true)
  const markDecorative = () =>
    act(() => markDecorativeAsset(client, current, who()).then(() => undefined), true)
  const save = (text: string) =>
    act(() => editAsset(client, current, text, who()).then(() => undefined), true)
  const regenerate = () =>
    act(async () => {
      const describe = await studioDescriber(client, config)
      const answer = await regenerateAsset(client, describe, current, {
        language: config.language,
      })
      // The list shows the new text (still to review) under its new revision.
      const fresh = await client.getDocument<ReviewAsset>(current._id)
      if (fresh) setCurrent(fresh)
      return `New text written (${answer.creditsUsed} credit${answer.creditsUsed === 1 ? '' : 's'}).`
    }, false)

  const thumb = current.url ? `${current.url}?w=160&h=160&fit=max` : undefined
  return (
    <Card padding={3} radius={2} border data-testid="alt-review-row">
      <Flex gap={3} align="flex-start">
        {thumb && (
          // The text beside the picture is its description: the thumbnail itself is decorative.
          <img src={thumb} alt="" width={80} height={80} style={{ objectFit: 'contain' }} />
        )}
        <Stack space={3} flex={1}>
          <Text size={1} muted>
            {name}
          </Text>
          {draft === undefined ? (
            <Text>{current.altText}</Text>
          ) : (
            <TextInput
              aria-label={`Alt text of ${name}`}
              value={draft}
              onChange={(e) => setDraft(e.currentTarget.value)}
            />
          )}
          <Text size={1} muted>
            {provenanceText(current)}
          </Text>
          <Flex gap={2} wrap="wrap">
            {draft === undefined ? (
              <>
                <Button
                  // Not tone="positive": white on Sanity's green is 2.5:1 (axe, color-contrast).
                  icon={CheckmarkIcon}
                  mode="ghost"
                  text="Approve"
                  disabled={busy}
                  onClick={approve}
                />
                <Button
                  icon={EditIcon}
                  mode="ghost"
                  text="Edit"
                  disabled={busy}
                  onClick={() => setDraft(current.altText ?? '')}
                />
                <Button
                  icon={RefreshIcon}
                  mode="ghost"
                  text="Regenerate"
                  disabled={busy}
                  onClick={regenerate}
                />
                {current.altTextProvenance?.decorative && (
                  // The machine's suggestion, applied only by this click (alt="").
                  <Button
                    mode="ghost"
                    text="Mark decorative"
                    disabled={busy}
                    onClick={markDecorative}
                  />
                )}
              </>
            ) : (
              <>
                <Button
                  tone="primary"
                  text="Save"
                  disabled={busy || !draft.trim()}
                  onClick={() => save(draft)}
                />
                <Button mode="ghost" text="Cancel" onClick={() => setDraft(undefined)} />
              </>
            )}
          </Flex>
          {message && (
            <Box>
              <Card tone={message.tone} padding={2} radius={2} role="status">
                <Text size={1}>{message.text}</Text>
              </Card>
            </Box>
          )}
        </Stack>
      </Flex>
    </Card>
  )
}
