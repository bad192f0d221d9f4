# Sourced by the scripts that run the Windows exes under Wine: a private
# Wine prefix (target/windows/wineprefix, never the user's ~/.wine) with
# the test-only bcryptprimitives.dll stand-in (scripts/wine/) in its
# system32, and `wine_run` to start an exe. `wine_stop` ends this prefix's
# wineserver (and with it every Wine process of this prefix only).
#
# Needs: apt-get install wine64 gcc-mingw-w64-x86-64

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WINEPREFIX="$repo_root/target/windows/wineprefix"
export WINEDEBUG=-all
# No Mono or Gecko installer prompts while the prefix is made.
export WINEDLLOVERRIDES="mscoree,mshtml="
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver

wine_prepare() {
  if [ ! -x "$WINE" ]; then
    echo "ERROR: $WINE is missing: apt-get install wine64" >&2
    return 1
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    "$WINE" wineboot --init >/dev/null 2>&1
    "$WINESERVER" --wait
  fi
  local dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  local source="$repo_root/scripts/wine/bcryptprimitives.c"
  if [ ! -f "$dll" ] || [ "$source" -nt "$dll" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" "$source" -ladvapi32
  fi
}

wine_run() {
  "$WINE" "$@"
}

wine_stop() {
  "$WINESERVER" -k 2>/dev/null || true
}

# The Windows name of a Linux path: Wine's Z: drive is the Linux root.
winepath_of() {
  local path=${1//\//\\}
  printf 'Z:%s' "$path"
}
