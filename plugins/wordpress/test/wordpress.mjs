/**
 * Starts a throwaway WordPress 6.8 for tests and the example: MariaDB on a socket in a temp dir,
 * a copy of Debian's WordPress tree with our own wp-config.php, the plugin unpacked from the
 * built zip, and `php -S` on a free port. Everything is removed by `stop()`.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

/** A free TCP port on 127.0.0.1. */
/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() =>
        typeof address === 'object' && address ? res(address.port) : rej(new Error('no port')),
      )
    })
  })
}

async function waitFor(check, what, ms = 30_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

/**
 * A function running PHP code with WordPress loaded (unless the code defines WP_INSTALLING and
 * loads it itself); returns stdout.
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
      `<?php\n$_SERVER['HTTP_HOST'] = '${host}';\n$_SERVER['REQUEST_URI'] = '/';\n${code.includes('WP_INSTALLING') ? '' : `require '${docroot}/wp-load.php';\n`}${code}\n`,
    )
    try {
      return execFileSync('php', ['-d', 'display_errors=stderr', file], {
        cwd: docroot,
        maxBuffer: 16 << 20,
      }).toString()
    } finally {
      rmSync(file, { force: true })
    }
  }
}

/** Builds the plugin (wp-scripts) and its zip; returns the zip path. */
export function buildPluginZip() {
  execFileSync('pnpm', ['run', 'build'], { cwd: PLUGIN_DIR, stdio: 'ignore' })
  execFileSync('node', ['scripts/zip.mjs'], { cwd: PLUGIN_DIR, stdio: 'ignore' })
  return join(PLUGIN_DIR, 'alttextapi.zip')
}

/**
 * @typedef {object} WordPress
 * @property {string} url
 * @property {string} root
 * @property {string} docroot
 * @property {(code: string) => string} php Runs PHP code with WordPress loaded; returns stdout.
 * @property {() => Promise<void>} stop
 */

/** Starts MariaDB and WordPress with the plugin from `zip` active. */
/**
 * @param {{apiUrl: string, zip: string, apiKey?: string, systemCron?: boolean}} options systemCron: DISABLE_WP_CRON (callers hit wp-cron.php themselves, like a system cron)
 * @returns {Promise<WordPress>}
 */
export async function startWordPress(options) {
  const root = mkdtempSync(join(tmpdir(), 'alttextapi-wp-'))
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = []
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL')
            r(null)
          }, 5000)
          child.once('exit', () => {
            clearTimeout(t)
            r(null)
          })
        })
      }
    }
    rmSync(root, { recursive: true, force: true })
  }
  try {
    // MariaDB on a private socket, no TCP.
    const data = join(root, 'db')
    const sock = join(root, 'mysql.sock')
    mkdirSync(data)
    execFileSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ],
      { stdio: 'ignore' },
    )
    const db = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${sock}`,
        '--skip-networking',
        `--pid-file=${join(root, 'db.pid')}`,
        `--log-error=${join(root, 'db.log')}`,
        '--innodb-buffer-pool-size=32M',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ],
      { stdio: 'ignore' },
    )
    children.push(db)
    await waitFor(() => existsSync(sock), 'MariaDB socket')
    await waitFor(() => {
      try {
        execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', '-e', 'SELECT 1'], {
          stdio: 'ignore',
        })
        return true
      } catch {
        return false
      }
    }, 'MariaDB')
    execFileSync('mariadb', [
      '--no-defaults',
      `--socket=${sock}`,
      '-uroot',
      '-e',
      "CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; GRANT ALL ON wordpress.* TO 'wp'@'localhost';",
    ])

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
    execFileSync('unzip', ['-q', options.zip, '-d', join(docroot, 'wp-content/plugins')])
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const salts = [
      'AUTH_KEY',
      'SECURE_AUTH_KEY',
      'LOGGED_IN_KEY',
      'NONCE_KEY',
      'AUTH_SALT',
      'SECURE_AUTH_SALT',
      'LOGGED_IN_SALT',
      'NONCE_SALT',
    ]
      .map((k) => `define('${k}', '${randomBytes(24).toString('hex')}');`)
      .join('\n')
    writeFileSync(
      join(docroot, 'wp-config.php'),
      `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:${sock}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${salts}
$table_prefix = 'wp_';
define('WP_HOME', '${url}');
define('WP_SITEURL', '${url}');
define('ALTTEXT_API_URL', '${options.apiUrl}');
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', '${join(root, 'debug.log')}');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
${options.systemCron ? "define('DISABLE_WP_CRON', true);" : ''}
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
    )
    const host = `127.0.0.1:${port}`
    const php = phpRunner(root, docroot, host)
    php(`define('WP_INSTALLING', true);
require '${docroot}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('AltText API test site', 'admin', 'admin@example.com', false, '', 'admin-password-123');`)
    php(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
$r = activate_plugin('alttextapi/alttextapi.php');
if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message()); exit(1); }
${options.apiKey ? `update_option('alttextapi_api_key', '${options.apiKey}');` : ''}`)

    const server = spawn('php', ['-S', host, '-t', docroot], {
      cwd: docroot,
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
      stdio: 'ignore',
    })
    children.push(server)
    await waitFor(async () => {
      try {
        return (await fetch(`${url}/wp-login.php`)).ok
      } catch {
        return false
      }
    }, 'php -S')
    return { url, root, docroot, php, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
