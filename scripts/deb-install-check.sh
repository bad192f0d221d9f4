#!/usr/bin/env bash
# Checks that the .deb installs and its window starts on a minimal Debian:
# a bookworm root made with debootstrap (minbase, cached in
# target/deb-check/root-cache.tar), `apt-get install ./netassist_….deb`
# inside it (apt resolves the Depends from Debian's mirror), then the
# window started in that root on an Xvfb display of this machine and a
# screenshot checked to be drawn. Run as root after scripts/package.sh:
#
#   scripts/deb-install-check.sh
#
# Needs: debootstrap, xvfb, imagemagick (import, identify), and Debian's
# mirror (deb.debian.org) reachable. Everything it starts is stopped by
# process id; the mounts it makes are unmounted.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(ls dist/netassist_*_amd64.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { echo "ERROR: no dist/netassist_*_amd64.deb: run scripts/package.sh" >&2; exit 1; }
work=$PWD/target/deb-check
root=$work/root
cache=$work/root-cache.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
MIN_COLOURS=64
WAIT_SECS=60

pids=()
mounts=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mount_into() {
  mkdir -p "$root$2"
  mount --bind "$1" "$root$2"
  mounts+=("$root$2")
}

started=$(date +%s)
step() { echo "== [$(($(date +%s) - started)) s] $*"; }

step "a minimal Debian root"
rm -rf "$root"
mkdir -p "$root"
if [ -f "$cache" ]; then
  tar -C "$root" -xf "$cache"
else
  debootstrap --variant=minbase bookworm "$root" "$mirror"
  tar -C "$root" -cf "$cache" .
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount_into /proc /proc
mount_into /dev /dev
mount_into /dev/pts /dev/pts
mkdir -p /tmp/.X11-unix
mount_into /tmp/.X11-unix /tmp/.X11-unix

step "apt-get install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
chroot "$root" apt-get update
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "./tmp/$(basename "$deb")"
test -f "$root/usr/share/applications/netassist.desktop"
test -f "$root/usr/share/icons/hicolor/256x256/apps/netassist.png"

step "the installed window under Xvfb"
number=$((190 + RANDOM % 50))
Xvfb ":$number" -screen 0 1280x800x24 -nolisten tcp &
pids+=("$!")
# The window gives up at once if the display is not there yet.
deadline=$(($(date +%s) + WAIT_SECS))
until [ -S "/tmp/.X11-unix/X$number" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "FAILED: Xvfb :$number did not start" >&2; exit 1; }
  sleep 0.2
done
chroot "$root" env DISPLAY=":$number" HOME=/tmp LANG=C.UTF-8 netassist > "$work/window.log" 2>&1 &
pids+=("$!")
shot=$work/window.png
deadline=$(($(date +%s) + WAIT_SECS))
colours=0
while [ "$colours" -le "$MIN_COLOURS" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    cat "$work/window.log" >&2
    echo "FAILED: the installed window drew $colours colours within $WAIT_SECS s" >&2
    exit 1
  fi
  sleep 1
  DISPLAY=":$number" import -window root "$shot" 2>/dev/null || continue
  colours=$(identify -format '%k' "$shot")
done
step "done: the installed window drew $colours colours ($shot)"
