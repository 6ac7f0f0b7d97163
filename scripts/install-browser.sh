#!/bin/sh
# Install the browser the browser tests drive: Debian's chromium package (Playwright only drives
# it; its own browser download is not used). Idempotent: does nothing when chromium is installed.
set -eu

if command -v chromium >/dev/null 2>&1; then
    chromium --version 2>/dev/null || echo "chromium: $(command -v chromium)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-browser: chromium is missing and this user cannot install packages" >&2
    echo "install-browser: run as root: apt-get install -y --no-install-recommends chromium" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install_chromium() {
    $as_root apt-get install -y --no-install-recommends chromium
}
# The package lists may be missing or stale on a fresh machine: refresh them only if needed.
if ! install_chromium; then
    $as_root apt-get update
    install_chromium
fi

chromium --version
