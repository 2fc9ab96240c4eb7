#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the workbench needs, if any is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(build-essential bc bison flex libelf-dev libssl-dev dwarves cpio rsync
	xz-utils git perl python3 file busybox-static qemu-system-x86 ccache
	e2fsprogs sparse python3-matplotlib stress-ng)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ "${#missing[@]}" = 0 ]; then
	vlog "all packages present"
	exit 0
fi

log "installing missing packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} by hand"
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
run_logged "$LOGS/deps.log" "${sudo[@]}" apt-get update -q ||
	die "apt-get update failed (see build/logs/deps.log)"
run_logged "$LOGS/deps.log" "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
	die "could not install: ${missing[*]} (see build/logs/deps.log)"
