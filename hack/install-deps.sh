#!/usr/bin/env bash
# Installs the Debian packages the tests and the local platform use, when
# they are missing: redis-server, for the game pod's and the operator's
# tests and for `croupier dev`; chromium (with chromium-driver), for the
# browser tests, which fail without it; ca-certificates, whose bundle
# `make image` copies into the image for TLS to Redis.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[[ -f /etc/ssl/certs/ca-certificates.crt ]] || need+=(ca-certificates)
if ((${#need[@]} == 0)); then exit 0; fi
echo ">> installing Debian packages: ${need[*]}" >&2
sudo=""
if [[ $(id -u) != 0 ]]; then sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
