#!/usr/bin/env bash
# Installs what the WordPress plugin's PHP and end-to-end tests need on a fresh Debian bookworm
# machine (run as root). Idempotent: a second run installs nothing new.
#
# - PHP 8.2 (cli, mysql, xml, gd, curl, mbstring, zip), MariaDB, Chromium, zip, and PHP_CodeSniffer
#   (`phpcs`, for `lint:php`) — from bookworm.
# - WordPress 6.8 from trixie's `wordpress` package (bookworm ships 6.1, too old for current
#   block-editor bundles), downloaded with a private apt source list and unpacked into
#   $ALTTEXTAPI_WP_CACHE (default /opt/alttextapi-wp), outside the repository.
set -euo pipefail

CACHE="${ALTTEXTAPI_WP_CACHE:-/opt/alttextapi-wp}"
APT_LOCK=(-o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ]; then
  echo "install-system-deps.sh must run as root" >&2
  exit 1
fi

packages=(php-cli php-mysql php-xml php-gd php-curl php-mbstring php-zip mariadb-server
  mariadb-client chromium zip unzip ca-certificates php-codesniffer)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get "${APT_LOCK[@]}" update
  apt-get "${APT_LOCK[@]}" install -y --no-install-recommends "${missing[@]}"
fi

if [ -f "$CACHE/wordpress/wp-includes/version.php" ]; then
  echo "WordPress already unpacked in $CACHE/wordpress"
  exit 0
fi

mkdir -p "$CACHE/apt/lists/partial" "$CACHE/debs"
# The machine's own Debian mirror, with suite trixie.
mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' | grep -v security | head -n1 || true)"
[ -n "$mirror" ] || mirror="$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} trixie main" >"$CACHE/apt/trixie.list"
opts=(-o "Dir::Etc::sourcelist=$CACHE/apt/trixie.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$CACHE/apt/lists"
  -o APT::Get::List-Cleanup=0)
apt-get "${APT_LOCK[@]}" "${opts[@]}" update
# WordPress, its default theme, and the libraries Debian unbundled from it (its tree symlinks to them).
(cd "$CACHE/debs" && apt-get "${APT_LOCK[@]}" "${opts[@]}" -o Dir::State::status=/dev/null download \
  wordpress wordpress-theme-twentytwentyfive libjs-cropper libjs-lodash libjs-underscore php-getid3)
ls "$CACHE"/debs/wordpress_*.deb >/dev/null
rm -rf "$CACHE/root"
mkdir -p "$CACHE/root"
for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root"; done

# Copy the tree, replacing each symlink by what it points at inside the unpacked root (or, for
# /etc/ssl, on this machine).
rm -rf "$CACHE/wordpress.tmp"
cp -a "$CACHE/root/usr/share/wordpress" "$CACHE/wordpress.tmp"
find "$CACHE/root/usr/share/wordpress" -type l | while read -r link; do
  rel="${link#"$CACHE/root"}"
  target="$(readlink "$link")"
  case "$target" in
  /*) resolved="$target" ;;
  *) resolved="$(realpath -m "$(dirname "$rel")/$target")" ;;
  esac
  dest="$CACHE/wordpress.tmp${rel#/usr/share/wordpress}"
  rm -f "$dest"
  if [ -e "$CACHE/root$resolved" ]; then
    cp -a -L "$CACHE/root$resolved" "$dest"
  elif [ -e "$resolved" ]; then
    cp -a -L "$resolved" "$dest"
  fi
done
rm -f "$CACHE/wordpress.tmp/wp-config.php" "$CACHE/wordpress.tmp/.htaccess"
mv "$CACHE/wordpress.tmp" "$CACHE/wordpress"
echo "WordPress $(grep -oE "wp_version = '[^']+'" "$CACHE/wordpress/wp-includes/version.php") unpacked in $CACHE/wordpress"
