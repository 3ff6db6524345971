/** Where an administrator sets the API key (stored in the private secret document). */
import { createClient } from '@alttextapi/core'
import { Button, Card, Flex, Stack, Text, TextInput } from '@sanity/ui'
import { useCallback, useEffect, useState } from 'react'
import { useClient } from 'sanity'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { errorMessage } from '../describe/errors.js'
import { keyHint, readApiKey, saveApiKey } from '../secrets.js'

/** Shows whether a key is set (its first characters only) and lets a member with write access change it. */
export function ApiKeySettings({
  config,
  onChange,
}: {
  config: ResolvedPluginConfig
  onChange: () => void
}) {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const [hint, setHint] = useState<string>()
  const [draft, setDraft] = useState('')
  const [message, setMessage] = useState<string>()

  const load = useCallback(async () => {
    const key = await readApiKey(client, config.secretId).catch(() => undefined)
    setHint(key ? keyHint(key) : undefined)
  }, [client, config.secretId])
  useEffect(() => {
    void load()
  }, [load])

  if (config.proxyUrl)
    return (
      <Card padding={4} radius={2} tone="primary">
        <Text>
          Calls go through the proxy at {config.proxyUrl}: no key is stored in this dataset.
        </Text>
      </Card>
    )

  const save = async (value: string) => {
    setMessage(undefined)
    try {
      await saveApiKey(client, config.secretId, value, {
        // The key is tried before it is stored; a key that can read the account is refused.
        altClient: value
          ? createClient({ apiKey: value.trim(), baseUrl: config.apiUrl })
          : undefined,
        allowAccountKey: config.allowAccountKey,
      })
      setDraft('')
      setMessage(value ? 'Key saved.' : 'Key removed.')
      await load()
      onChange()
    } catch (error) {
      setMessage(errorMessage(error))
    }
  }

  return (
    <Card padding={4} radius={2} border>
      <Stack space={3}>
        <Text weight="semibold">API key</Text>
        <Text size={1} muted>
          {hint ? `A key is set (${hint}).` : 'No key is set.'} It is stored in the private document{' '}
          {config.secretId}, which every member who can read this dataset can read: use a key of
          scope "generate" with a daily credit cap (keys that can read the account are refused).
        </Text>
        <Flex gap={2}>
          <TextInput
            type="password"
            autoComplete="off"
            placeholder="atk_…"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
          />
          <Button text="Save" tone="primary" disabled={!draft} onClick={() => save(draft)} />
          {hint && <Button text="Remove" mode="ghost" tone="critical" onClick={() => save('')} />}
        </Flex>
        {message && <Text size={1}>{message}</Text>}
      </Stack>
    </Card>
  )
}
