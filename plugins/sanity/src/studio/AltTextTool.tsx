/** The Studio tool: the asset library's images without alt text, filled in batches. */
import { PauseIcon, PlayIcon, StopIcon } from '@sanity/icons'
import { Box, Button, Card, Container, Flex, Heading, Stack, Text } from '@sanity/ui'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useClient } from 'sanity'
import {
  type AssetOutcome,
  type BackfillProgress,
  type BackfillSummary,
  backfillAssets,
} from '../backfill/backfill.js'
import {
  type BackfillControl,
  type ControlState,
  createBackfillControl,
} from '../backfill/control.js'
import { type BackfillEstimate, estimateBackfill } from '../backfill/estimate.js'
import { type ResolvedPluginConfig, STUDIO_API_VERSION } from '../config.js'
import { errorMessage } from '../describe/errors.js'
import { studioAltClient, studioDescriber } from '../studio-client.js'
import { ApiKeySettings } from './ApiKeySettings.js'
import { estimateWarning, progressText } from './format.js'

/** Creates the tool component for the given config. */
export function createAltTextTool(config: ResolvedPluginConfig) {
  // biome-ignore lint/correctness/noComponentHookFactories: made once per plugin config, not per render
  return function AltTextTool() {
    const client = useClient({ apiVersion: STUDIO_API_VERSION })
    const [estimate, setEstimate] = useState<BackfillEstimate>()
    const [error, setError] = useState<string>()
    const [progress, setProgress] = useState<BackfillProgress>()
    const [summary, setSummary] = useState<BackfillSummary>()
    const [recent, setRecent] = useState<AssetOutcome[]>([])
    const [state, setState] = useState<ControlState | 'idle'>('idle')
    const control = useRef<BackfillControl | undefined>(undefined)

    const refresh = useCallback(async () => {
      setError(undefined)
      try {
        const altClient = await studioAltClient(client, config)
        setEstimate(
          await estimateBackfill({
            client,
            altClient,
            model: config.model,
            long: Boolean(config.longDescriptionField),
          }),
        )
      } catch (e) {
        setError(errorMessage(e))
      }
    }, [client])
    useEffect(() => {
      void refresh()
      return () => control.current?.stop()
    }, [refresh])

    const start = async () => {
      const run = createBackfillControl()
      control.current = run
      run.onChange(setState)
      setState('running')
      setSummary(undefined)
      setRecent([])
      try {
        const result = await backfillAssets({
          client,
          describe: await studioDescriber(client, config),
          control: run,
          batchSize: config.batchSize,
          concurrency: config.concurrency,
          language: config.language,
          model: config.model,
          longDescriptionField: config.longDescriptionField,
          onProgress: setProgress,
          onAsset: (o) => setRecent((list) => [o, ...list].slice(0, 20)),
        })
        setSummary(result)
      } catch (e) {
        setError(errorMessage(e))
      } finally {
        setState('idle')
        void refresh()
      }
    }

    const busy = state === 'running' || state === 'paused'
    return (
      <Container width={2} padding={4}>
        <Stack space={4}>
          <Heading as="h1" size={3}>
            Alt text for the image library
          </Heading>
          <ApiKeySettings config={config} onChange={refresh} />
          <Card padding={4} radius={2} border>
            <Stack space={3}>
              {estimate ? (
                <Text>
                  {estimate.missing} image{estimate.missing === 1 ? '' : 's'} without alt text.
                  Estimated cost: {estimate.estimatedCredits} credits
                  {estimate.model ? ` (${estimate.model})` : ''}
                  {estimate.balance !== undefined ? `; balance ${estimate.balance}.` : '.'}
                </Text>
              ) : (
                !error && <Text muted>Counting…</Text>
              )}
              {estimate && estimateWarning(estimate) && (
                <Text size={1}>{estimateWarning(estimate)}</Text>
              )}
              {error && (
                <Card tone="critical" padding={3} radius={2}>
                  <Text>{error}</Text>
                </Card>
              )}
              <Flex gap={2}>
                {!busy && (
                  <Button
                    icon={PlayIcon}
                    tone="primary"
                    text="Start"
                    disabled={!estimate || estimate.missing === 0}
                    onClick={start}
                  />
                )}
                {state === 'running' && (
                  <Button icon={PauseIcon} text="Pause" onClick={() => control.current?.pause()} />
                )}
                {state === 'paused' && (
                  <Button icon={PlayIcon} text="Resume" onClick={() => control.current?.resume()} />
                )}
                {busy && (
                  <Button
                    icon={StopIcon}
                    mode="ghost"
                    tone="critical"
                    text="Stop"
                    onClick={() => control.current?.stop()}
                  />
                )}
              </Flex>
              {progress && (
                <Box>
                  <progress
                    max={Math.max(progress.total, 1)}
                    value={progress.processed}
                    style={{ width: '100%' }}
                  />
                  <Text size={1}>
                    {progressText(progress)} · {progress.creditsUsed} credits used
                    {state === 'paused' ? ' · paused' : ''}
                  </Text>
                </Box>
              )}
              {summary && (
                <Text>
                  Done ({summary.end}): {summary.written} written, {summary.failed} failed,{' '}
                  {summary.skipped} skipped, {summary.creditsUsed} credits used.
                  {summary.fatal ? ` ${summary.fatal.message}` : ''}
                </Text>
              )}
              {recent.map((o) => (
                <Text key={o.assetId} size={1} muted>
                  {o.status}: {o.altText ?? o.error?.message ?? o.assetId}
                </Text>
              ))}
            </Stack>
          </Card>
        </Stack>
      </Container>
    )
  }
}
