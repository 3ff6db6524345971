#!/usr/bin/env sh
# PHP lint: PHP_CodeSniffer with the plugin's ruleset (phpcs.xml.dist). phpcs comes from Debian's
# php-codesniffer package, which install-system-deps.sh installs.
set -eu
cd "$(dirname "$0")/.."
if ! command -v phpcs >/dev/null 2>&1; then
  echo "phpcs is missing: run sudo plugins/wordpress/scripts/install-system-deps.sh (Debian's php-codesniffer)" >&2
  exit 1
fi
exec phpcs -q --no-colors "$@"
