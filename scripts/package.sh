#!/usr/bin/env bash
# Makes the downloads into dist/, with one command:
#
#   scripts/package.sh
#
#   dist/NetAssist-<version>-windows-x86_64.zip   netassist.exe (the window),
#                                                 netassist-cli.exe (headless),
#                                                 README, licences; < 12 MB
#   dist/netassist_<version>_amd64.deb            /usr/bin/netassist, .desktop
#                                                 entry, icon, docs
#   dist/netassist-<version>-linux-x86_64.tar.gz  the same files, unpacked
#   dist/SHA256SUMS
#
# Everything is built in the shipping profile `dist` (Cargo.toml: release,
# stripped, thin LTO; unwinding kept, as sessions catch panics): the Linux
# binary with the rustup toolchain in target/dist, the Windows exes with
# scripts/build-windows.sh in target/windows (skipped when they are newer
# than every source file; set NETASSIST_SKIP_WINDOWS=1 to leave the zip
# out; NETASSIST_LINUX_BIN=path packages that binary instead of building
# one, to try the packaging quickly). Needs: dpkg-deb, zip, and what
# build-windows.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
dist=$PWD/dist
stage=$PWD/target/package
# The zip must stay small enough to mail and to download on a slow link.
MAX_ZIP_BYTES=$((12 * 1024 * 1024))
# The libraries the window opens at run time with dlopen (winit's X11 and
# Wayland back ends, xkbcommon, glutin's EGL/GLX), which ldd does not see,
# plus what the binary links (libc at the newest symbol version it uses,
# libgcc_s for unwinding).
DEPENDS="libc6 (>= @GLIBC@), libgcc-s1, libgl1, libegl1, libx11-6, libx11-xcb1, libxcursor1, libxrandr2, libxi6, libxkbcommon0, libxkbcommon-x11-0, libwayland-client0, libwayland-cursor0, libwayland-egl1"

rm -rf "$dist" "$stage"
mkdir -p "$dist" "$stage"
docs=(README.md LICENSE-MIT LICENSE-APACHE resources/fonts/LICENSE-DejaVu.txt resources/fonts/LICENSE-OFL.txt)

linux_bin=${NETASSIST_LINUX_BIN:-}
if [ -z "$linux_bin" ]; then
  echo "== Linux binary (profile dist)"
  cargo build --profile dist -p netassist --bin netassist
  linux_bin=target/dist/netassist
fi
glibc=$(objdump -T "$linux_bin" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1 | cut -d_ -f2)
DEPENDS=${DEPENDS/@GLIBC@/$glibc}

echo "== tarball"
tar_dir="$stage/netassist-$version-linux-x86_64"
mkdir -p "$tar_dir"
install -m 755 "$linux_bin" "$tar_dir/netassist"
install -m 644 "${docs[@]}" packaging/linux/netassist.desktop resources/netassist.png "$tar_dir/"
tar -C "$stage" -czf "$dist/netassist-$version-linux-x86_64.tar.gz" --owner=0 --group=0 \
  "netassist-$version-linux-x86_64"

echo "== .deb"
deb_root="$stage/deb"
install -D -m 755 "$linux_bin" "$deb_root/usr/bin/netassist"
install -D -m 644 packaging/linux/netassist.desktop "$deb_root/usr/share/applications/netassist.desktop"
install -D -m 644 resources/netassist.png "$deb_root/usr/share/icons/hicolor/256x256/apps/netassist.png"
install -d "$deb_root/usr/share/doc/netassist"
install -m 644 README.md "$deb_root/usr/share/doc/netassist/"
cat LICENSE-MIT LICENSE-APACHE resources/fonts/LICENSE-DejaVu.txt resources/fonts/LICENSE-OFL.txt \
  > "$deb_root/usr/share/doc/netassist/copyright"
installed_kb=$(du -sk "$deb_root" | cut -f1)
install -d "$deb_root/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_KB@/$installed_kb/" -e "s/@DEPENDS@/$DEPENDS/" \
  packaging/linux/control.in > "$deb_root/DEBIAN/control"
dpkg-deb --root-owner-group --build "$deb_root" "$dist/netassist_${version}_amd64.deb"

if [ "${NETASSIST_SKIP_WINDOWS:-0}" != 1 ]; then
  echo "== Windows zip"
  win_dir=target/windows/x86_64-pc-windows-gnu/dist
  newest_source=$(find src engine/src build.rs Cargo.toml Cargo.lock resources -newer "$win_dir/netassist.exe" 2>/dev/null | head -n1 || true)
  if [ ! -f "$win_dir/netassist.exe" ] || [ ! -f "$win_dir/netassist-cli.exe" ] || [ -n "$newest_source" ]; then
    NETASSIST_PROFILE=dist scripts/build-windows.sh
  fi
  zip_dir="$stage/NetAssist-$version-windows-x86_64"
  mkdir -p "$zip_dir"
  install -m 755 "$win_dir/netassist.exe" "$win_dir/netassist-cli.exe" "$zip_dir/"
  for doc in "${docs[@]}"; do
    # Notepad before Windows 10 1809 shows LF-only files as one line.
    sed 's/$/\r/' "$doc" > "$zip_dir/$(basename "${doc%.*}").txt"
  done
  (cd "$stage" && zip -q -9 -r "$dist/NetAssist-$version-windows-x86_64.zip" "NetAssist-$version-windows-x86_64")
  zip_bytes=$(stat -c %s "$dist/NetAssist-$version-windows-x86_64.zip")
  if [ "$zip_bytes" -ge "$MAX_ZIP_BYTES" ]; then
    echo "ERROR: the Windows zip is $zip_bytes bytes, over $MAX_ZIP_BYTES" >&2
    exit 1
  fi
fi

(cd "$dist" && artifacts=(*) && sha256sum -- "${artifacts[@]}" > SHA256SUMS)
ls -l "$dist"
