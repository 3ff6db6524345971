/**
 * The Studio's live listener (`/data/listen/…`), kept open like Sanity's. A Playwright route can
 * only answer with a whole body, and a listener stream that ends puts the Studio's document pane
 * in "reconnecting" (read-only: the form refuses edits). So the browser goes through this local
 * proxy for the requests the routes pass on: it accepts `CONNECT host:443`, ends TLS itself with
 * a throwaway self-signed certificate (the browser context ignores certificate errors), and
 * answers every listen request with a `welcome` event, then keeps the stream open.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { createSecureServer } from 'node:http2'
import type { AddressInfo, Socket } from 'node:net'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** A proxy for the browser (`proxy: { server: url }`) that serves Sanity's listener. */
export interface ListenerProxy {
  url: string
  close(): Promise<void>
}

/** A key and certificate for a day (openssl, asynchronously: the fakes keep answering). */
async function selfSigned(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-listener-'))
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=api.sanity.io',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ])
    return {
      key: await readFile(join(dir, 'key.pem')),
      cert: await readFile(join(dir, 'cert.pem')),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Starts the proxy; `origin` is the Studio's (CORS). */
export async function startListenerProxy(origin: string): Promise<ListenerProxy> {
  const sockets = new Set<Socket>()
  // HTTP/2, as Sanity's API: Chromium opens at most 6 HTTP/1.1 connections per host, and the
  // Studio keeps more listeners than that open (one stream each on one HTTP/2 connection).
  const tls = createSecureServer({ ...(await selfSigned()), allowHTTP1: true }, (req, res) => {
    const cors = {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': '*',
    }
    if (!/\/data\/listen\//.test(req.url ?? '')) {
      res.writeHead(404, cors)
      res.end()
      return
    }
    res.writeHead(200, {
      ...cors,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    })
    res.write('event: welcome\ndata: {"listenerName":"fake"}\n\n')
  })
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(502)
    res.end()
  })
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    // Only Sanity's API hosts; anything else fails as unreachable, as it would offline.
    if (!/(^|\.)api\.sanity\.io:443$/.test(req.url ?? '')) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      return
    }
    const address = tls.address() as AddressInfo
    const upstream = connect(address.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
      socket.on('close', () => sockets.delete(socket))
    }
  })
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy()
      await Promise.all([
        new Promise((resolve) => tls.close(resolve)),
        new Promise((resolve) => proxy.close(resolve)),
      ])
    },
  }
}
