#!/usr/bin/env bash
# Builds the Windows exes (netassist.exe, the window; netassist-cli.exe,
# the console companion) on this Debian machine, without rustup:
#
#   apt-get install rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64
#   scripts/build-windows.sh            # release exes
#   scripts/build-windows.sh --tests    # also the unit-test exes (no run)
#
# Debian's Rust (rustc-web, 1.96) has no prebuilt standard library for
# Windows, so std is built from rust-web-src (-Zbuild-std, allowed on a
# stable compiler by RUSTC_BOOTSTRAP=1) and linked by MinGW's gcc. Its own
# target folder (target/windows) keeps these artifacts apart from the
# rustup toolchain's in target/: sharing one would rebuild the host's
# build scripts and proc macros back and forth between two compilers.
#
# Output: target/windows/x86_64-pc-windows-gnu/<profile>/netassist{,-cli}.exe
# (profile `release`, or `dist` with NETASSIST_PROFILE=dist), and with
# --tests the list of test exes in target/windows/test-exes.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
profile=${NETASSIST_PROFILE:-release}
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_DIR="$PWD/target/windows"
# Debian's cargo, the same version as Debian's rustc: -Zbuild-std reads
# the standard library's own lock file, which a newer or older cargo may
# resolve differently.
cargo=/usr/bin/cargo
for tool in "$cargo" "$RUSTC" x86_64-w64-mingw32-gcc; do
  if ! command -v "$tool" >/dev/null; then
    echo "ERROR: $tool is missing: apt-get install rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64" >&2
    exit 1
  fi
done
build_std=(-Zbuild-std=std,panic_unwind --target "$target")

"$cargo" build --profile "$profile" "${build_std[@]}" -p netassist --bins
if [ "${1:-}" = "--tests" ]; then
  # The libraries' unit tests (core, engine and app), built in the test profile.
  # cargo prints each test exe as JSON; their paths are kept for
  # scripts/wine-unit-tests.sh.
  "$cargo" test --no-run "${build_std[@]}" -p netassist-core -p netassist-engine -p netassist --lib \
    --message-format=json \
    | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 > "$CARGO_TARGET_DIR/test-exes.txt"
  cat "$CARGO_TARGET_DIR/test-exes.txt"
fi
ls -l "$CARGO_TARGET_DIR/$target/$profile/"*.exe
