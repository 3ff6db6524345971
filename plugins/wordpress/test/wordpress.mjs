/**
 * Starts a throwaway WordPress 6.8 for tests and the example: MariaDB on a socket in a temp dir,
 * a copy of Debian's WordPress tree with our own wp-config.php, the plugin unpacked from the
 * built zip, and `php -S` on a free port. Everything is removed by `stop()`.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const PLUGIN_DIR = resolve(import.meta.dirname, '..')
export const WP_CACHE = process.env.ALTTEXTAPI_WP_CACHE ?? '/opt/alttextapi-wp'
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const INSTALL_HINT = 'Run `sudo plugins/wordpress/scripts/install-system-deps.sh` first.'

function which(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Throws a clear error naming what is missing and the script that installs it. */
export function checkSystemDeps() {
  const missing = []
  for (const cmd of ['php', 'mariadbd', 'mariadb-install-db', 'mariadb', 'zip', 'unzip']) {
    if (!which(cmd)) missing.push(cmd)
  }
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM)
  if (!existsSync(join(WP_CACHE, 'wordpress/wp-includes/version.php')))
    missing.push(`WordPress in ${WP_CACHE}`)
  if (which('php')) {
    const mods = execFileSync('php', ['-m']).toString().toLowerCase()
    for (const mod of ['mysqli', 'gd', 'curl', 'xml'])
      if (!mods.includes(mod)) missing.push(`php-${mod}`)
  }
  if (missing.length) {
    throw new Error(
      `The WordPress tests need system packages that are missing: ${missing.join(', ')}. ${INSTALL_HINT}`,
    )
  }
}

/** A free TCP port on 127.0.0.1 (another process may still take it: callers retry). */
/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.on('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() =>
        typeof address === 'object' && address ? res(address.port) : rej(new Error('no port')),
      )
    })
  })
}

/** The last `lines` lines of a log file, or '' when it does not exist. */
export function logTail(file, lines = 60) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n').trim()
  } catch {
    return ''
  }
}

/**
 * Polls `check` every 100 ms until it is true. Fails early, with the log's tail, when `child`
 * exits meanwhile; fails after `ms` (generous: slow machines are slow, but never hang).
 * @param {() => boolean | Promise<boolean>} check
 * @param {string} what
 * @param {{ms?: number, child?: import('node:child_process').ChildProcess, log?: string}} [options]
 */
export async function waitFor(check, what, options = {}) {
  const { ms = 120_000, child, log } = options
  const end = Date.now() + ms
  const tail = () => (log ? `\n--- ${log} (last lines) ---\n${logTail(log)}` : '')
  while (Date.now() < end) {
    if (await check()) return
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${what}: the process exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready${tail()}`,
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out after ${ms / 1000} s waiting for ${what}${tail()}`)
}

/** A PHP single-quoted string literal for `value`. */
export function phpString(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/**
 * A function running PHP code with WordPress loaded (unless the code defines WP_INSTALLING and
 * loads it itself); returns stdout. Fails with PHP's stderr; a script running longer than two
 * minutes is killed.
 * @param {string} root temp dir for the script files
 * @param {string} docroot WordPress folder
 * @param {string} host host:port of the site
 * @returns {(code: string) => string}
 */
export function phpRunner(root, docroot, host) {
  return (code) => {
    const file = join(root, `cli-${randomBytes(4).toString('hex')}.php`)
    writeFileSync(
      file,
      `<?php\n$_SERVER['HTTP_HOST'] = ${phpString(host)};\n$_SERVER['REQUEST_URI'] = '/';\n${code.includes('WP_INSTALLING') ? '' : `require ${phpString(`${docroot}/wp-load.php`)};\n`}${code}\n`,
    )
    try {
      return execFileSync('php', ['-d', 'display_errors=stderr', file], {
        cwd: docroot,
        maxBuffer: 16 << 20,
        timeout: 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString()
    } finally {
      rmSync(file, { force: true })
    }
  }
}

/** Runs a command; on failure the error carries its output (a build error explains itself). */
function run(cmd, args, cwd) {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 })
  } catch (error) {
    const e = /** @type {{stdout?: Buffer, stderr?: Buffer}} */ (error)
    const output = `${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`.trim()
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${output.slice(-4000)}`)
  }
}

/** Builds the plugin (wp-scripts) and its zip; returns the zip path. */
export function buildPluginZip() {
  run('pnpm', ['run', 'build'], PLUGIN_DIR)
  if (!existsSync(join(PLUGIN_DIR, 'build/editor.asset.php')))
    throw new Error(`pnpm run build wrote no build/editor.asset.php in ${PLUGIN_DIR}`)
  run('node', ['scripts/zip.mjs'], PLUGIN_DIR)
  return join(PLUGIN_DIR, 'alttextapi.zip')
}

/**
 * Starts a process in its own process group with stdout and stderr appended to `log`, so that
 * stopping it also stops what it forked (php -S workers outlive their parent otherwise).
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} log
 * @param {import('node:child_process').SpawnOptions} [options]
 */
function spawnLogged(cmd, args, log, options = {}) {
  const fd = openSync(log, 'a')
  try {
    return spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', fd, fd] })
  } finally {
    closeSync(fd)
  }
}

/** Signals a process group, ignoring one that is gone. */
function killGroup(child, signal) {
  try {
    if (child.pid) process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the group, SIGKILL after `grace` ms if its leader has not exited, then SIGKILL to
 * whatever is left of the group. */
async function stopGroup(child, grace = 15_000) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    killGroup(child, 'SIGTERM')
    let timer
    await Promise.race([
      exited,
      new Promise((r) => {
        timer = setTimeout(r, grace)
      }),
    ])
    clearTimeout(timer)
  }
  killGroup(child, 'SIGKILL')
}

/**
 * @typedef {object} WordPress
 * @property {string} url
 * @property {string} root
 * @property {string} docroot
 * @property {string} serverLog php -S output (requests, PHP errors)
 * @property {string} debugLog WordPress's debug.log
 * @property {(code: string) => string} php Runs PHP code with WordPress loaded; returns stdout.
 * @property {() => Promise<void>} stop
 */

const SALTS = [
  'AUTH_KEY',
  'SECURE_AUTH_KEY',
  'LOGGED_IN_KEY',
  'NONCE_KEY',
  'AUTH_SALT',
  'SECURE_AUTH_SALT',
  'LOGGED_IN_SALT',
  'NONCE_SALT',
]

/**
 * Starts MariaDB and WordPress with the plugin from `zip` active. Each step waits for a
 * condition (socket answering, page served), with a bounded timeout, and fails with the
 * relevant log; a port taken by another process between choosing and binding it is retried.
 * @param {{apiUrl: string, zip: string, apiKey?: string, systemCron?: boolean}} options systemCron: DISABLE_WP_CRON (callers hit wp-cron.php themselves, like a system cron)
 * @returns {Promise<WordPress>}
 */
export async function startWordPress(options) {
  const root = mkdtempSync(join(tmpdir(), 'alttextapi-wp-'))
  const serverLog = join(root, 'php-server.log')
  const debugLog = join(root, 'debug.log')
  const dbLog = join(root, 'db.log')
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = []
  // Should the caller die without stop(), take the servers down with it.
  const onExit = () => {
    for (const child of children) killGroup(child, 'SIGKILL')
  }
  process.on('exit', onExit)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    for (const child of [...children].reverse()) await stopGroup(child)
    process.off('exit', onExit)
    rmSync(root, { recursive: true, force: true })
  }
  try {
    // MariaDB on a private socket, no TCP.
    const data = join(root, 'db')
    const sock = join(root, 'mysql.sock')
    mkdirSync(data)
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : []
    run(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        ...asRoot,
      ],
      root,
    )
    const db = spawnLogged(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${sock}`,
        '--skip-networking',
        `--pid-file=${join(root, 'db.pid')}`,
        `--log-error=${dbLog}`,
        '--innodb-buffer-pool-size=32M',
        ...asRoot,
      ],
      join(root, 'db.out'),
    )
    children.push(db)
    const mariadb = (sql) =>
      execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', '-e', sql], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      })
    await waitFor(
      () => {
        if (!existsSync(sock)) return false
        try {
          mariadb('SELECT 1')
          return true
        } catch {
          return false
        }
      },
      'MariaDB to accept connections',
      { child: db, log: dbLog },
    )
    mariadb(
      "CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; GRANT ALL ON wordpress.* TO 'wp'@'localhost';",
    )

    // WordPress tree: a private copy so wp-config.php and wp-content are ours.
    const docroot = join(root, 'wordpress')
    cpSync(join(WP_CACHE, 'wordpress'), docroot, { recursive: true })
    mkdirSync(join(docroot, 'wp-content/uploads'), { recursive: true })
    // No mail transport on a test machine: report mail as sent.
    mkdirSync(join(docroot, 'wp-content/mu-plugins'), { recursive: true })
    writeFileSync(
      join(docroot, 'wp-content/mu-plugins/no-mail.php'),
      "<?php add_filter('pre_wp_mail', '__return_true');\n",
    )
    run('unzip', ['-q', options.zip, '-d', join(docroot, 'wp-content/plugins')], root)
    const salts = SALTS.map((k) => `define('${k}', '${randomBytes(24).toString('hex')}');`).join(
      '\n',
    )
    // The site's address is in wp-config.php only (WP_HOME/WP_SITEURL), so a new port means
    // rewriting this file and nothing else.
    const writeConfig = (port) =>
      writeFileSync(
        join(docroot, 'wp-config.php'),
        `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', ${phpString(`localhost:${sock}`)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${salts}
$table_prefix = 'wp_';
define('WP_HOME', 'http://127.0.0.1:${port}');
define('WP_SITEURL', 'http://127.0.0.1:${port}');
define('ALTTEXT_API_URL', ${phpString(options.apiUrl)});
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', ${phpString(debugLog)});
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
${options.systemCron ? "define('DISABLE_WP_CRON', true);" : ''}
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
      )
    let port = await freePort()
    writeConfig(port)
    const install = phpRunner(root, docroot, `127.0.0.1:${port}`)
    install(`define('WP_INSTALLING', true);
require ${phpString(`${docroot}/wp-load.php`)};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('AltText API test site', 'admin', 'admin@example.com', false, '', 'admin-password-123');`)
    install(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
$r = activate_plugin('alttextapi/alttextapi.php');
if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message()); exit(1); }
${options.apiKey ? `update_option('alttextapi_api_key', ${phpString(options.apiKey)});` : ''}`)

    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        port = await freePort()
        writeConfig(port)
      }
      const host = `127.0.0.1:${port}`
      const server = spawnLogged(
        'php',
        ['-d', 'max_execution_time=120', '-S', host, '-t', docroot],
        serverLog,
        { cwd: docroot, env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' } },
      )
      children.push(server)
      try {
        await waitFor(
          async () => {
            try {
              const res = await fetch(`http://${host}/wp-login.php`, {
                signal: AbortSignal.timeout(30_000),
              })
              return res.ok && (await res.text()).includes('user_login')
            } catch {
              return false
            }
          },
          `php -S on ${host} to serve wp-login.php`,
          { child: server, log: serverLog },
        )
      } catch (error) {
        const busy = /Address already in use/i.test(logTail(serverLog, 5))
        if (!busy || attempt >= 5) throw error
        continue
      }
      return {
        url: `http://${host}`,
        root,
        docroot,
        serverLog,
        debugLog,
        php: phpRunner(root, docroot, host),
        stop,
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
}
