#!/usr/bin/env bash
# Tries the Windows exes under Wine the way a user would, against the
# repository's tutorial peers (tests/peers/, run by Linux's python3 on
# 127.0.0.1): UDP in GB2312 received and answered, a TCP client and a TCP
# server, a TFTP download by the tutorial downloader (and Windows device
# names refused), `netassist.exe --headless` pointing to netassist-cli.exe,
# and the window under Xvfb, screenshotted in English and in Chinese and
# checked to be drawn (more than MIN_COLOURS colours), its settings saved
# under %APPDATA%.
#
#   scripts/build-windows.sh && scripts/wine-check.sh
#
# Needs: wine64, python3, xvfb, imagemagick (import, identify).
# Everything it starts is stopped by process id at the end, and the
# private prefix's wineserver with `wineserver -k`. Screenshots are kept
# in target/windows/wine-check/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wine-env.sh

profile=${NETASSIST_PROFILE:-release}
bin_dir="$PWD/target/windows/x86_64-pc-windows-gnu/$profile"
window_exe="$bin_dir/netassist.exe"
cli_exe="$bin_dir/netassist-cli.exe"
peers="$PWD/tests/peers"
work="$PWD/target/windows/wine-check"
# A drawn window has text, frames and widgets in far more colours than
# an empty or black screen (1 colour) or a bare frame.
MIN_COLOURS=64
# Each wait is bounded; Wine starts an exe in a second or two once its
# prefix exists.
WAIT_SECS=60
export LANG=C.UTF-8 PYTHONIOENCODING=utf-8 PYTHONDONTWRITEBYTECODE=1

for exe in "$window_exe" "$cli_exe"; do
  [ -f "$exe" ] || { echo "ERROR: $exe is missing: run scripts/build-windows.sh" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wine_stop
}
trap stop_all EXIT
wine_prepare

started=$(date +%s)
check() { echo "== [$(($(date +%s) - started)) s] $*"; }
fail() {
  echo "FAILED: $*" >&2
  for log in "$work"/*.out "$work"/*.err; do
    [ -s "$log" ] && { echo "--- $log"; cat "$log"; } >&2
  done
  exit 1
}

# Starts a command in the background with its output in $work/NAME.out
# and .err; its pid is remembered for stop_all.
start() {
  local name=$1
  shift
  "$@" < /dev/null > "$work/$name.out" 2> "$work/$name.err" &
  pids+=("$!")
}

# Waits until $work/NAME.out has a line matching REGEX and prints it.
wait_line() {
  local name=$1 regex=$2 deadline=$(($(date +%s) + WAIT_SECS))
  while ! grep -m1 -E "$regex" "$work/$name.out" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail "$name: no line matching '$regex' within $WAIT_SECS s"
    fi
    sleep 0.2
  done
}

# The port of a `LISTENING 127.0.0.1:PORT` line (netassist) or a
# `LISTENING PORT` line (a tutorial peer).
port_of() { wait_line "$1" '^LISTENING ' | grep -oE '[0-9]+$'; }

check "UDP, GB2312: the tutorial's 'send, then receive' gets its text back"
# Printed in UTF-8 by choice: a redirected stdout is otherwise written in
# the ANSI code page (checked below).
start udp wine_run "$cli_exe" --mode udp --local 127.0.0.1:0 --encoding gb2312 --echo \
  --output-encoding utf-8 --exit-after "$WAIT_SECS" --no-time
udp_port=$(port_of udp)
python3 "$peers/udp_send_recv.py" --bind 0 --to "127.0.0.1:$udp_port" 你好 > "$work/udp-peer.out"
grep -q "^RECV 127.0.0.1:$udp_port 你好$" "$work/udp-peer.out" || fail "the UDP peer got no 你好 back"
wait_line udp '^RX 127\.0\.0\.1:[0-9]+ 你好$' >/dev/null

check "A redirected stdout is written in the ANSI code page (Wine's, under LANG=C.UTF-8, is 1252)"
# Windows-1252 has no 你好, so each character is printed as '?': the
# line is the code page's, not UTF-8 (on Chinese Windows it is GBK).
start udp-acp wine_run "$cli_exe" --mode udp --local 127.0.0.1:0 --encoding gb2312 \
  --exit-after "$WAIT_SECS" --no-time
acp_port=$(port_of udp-acp)
python3 "$peers/udp_send.py" --to "127.0.0.1:$acp_port" 你好 > "$work/udp-acp-peer.out"
wait_line udp-acp '^RX 127\.0\.0\.1:[0-9]+ \?\?$' >/dev/null

check "TCP client: the tutorial's receiving server gets 你好 in GB2312"
start tcp-recv python3 "$peers/tcp_server_recv.py" --port 0
recv_port=$(port_of tcp-recv)
start tcp-client wine_run "$cli_exe" --mode tcp-client --remote "127.0.0.1:$recv_port" \
  --encoding gb2312 --send 你好 --exit-after "$WAIT_SECS" --no-time
wait_line tcp-recv '^RECV 127\.0\.0\.1:[0-9]+ 你好$' >/dev/null
wait_line tcp-client '^CONNECTED ' >/dev/null

check "TCP server: the tutorial's QQ client gets each message answered"
start tcp-server wine_run "$cli_exe" --mode tcp-server --local 127.0.0.1:0 --echo \
  --output-encoding utf-8 --exit-after "$WAIT_SECS" --no-time
server_port=$(port_of tcp-server)
python3 "$peers/tcp_qq_client.py" --to "127.0.0.1:$server_port" 你好 在吗 > "$work/qq-peer.out"
[ "$(grep -c '^RECV ' "$work/qq-peer.out")" = 2 ] || fail "the QQ client did not get both replies"
wait_line tcp-server '^RX 127\.0\.0\.1:[0-9]+ 在吗$' >/dev/null

check "TFTP: the tutorial downloader fetches a file; device names are refused"
mkdir -p "$work/served" "$work/fetched"
head -c 100000 /dev/urandom > "$work/served/file.bin"
start tftp wine_run "$cli_exe" --mode tftp-server --local 127.0.0.1:0 \
  --root "$(winepath_of "$work/served")" --exit-after "$WAIT_SECS" --no-time
tftp_port=$(port_of tftp)
(cd "$work/fetched" && python3 "$peers/tftp_download.py" --port "$tftp_port" file.bin) \
  > "$work/tftp-peer.out"
grep -q '^DONE 100000$' "$work/tftp-peer.out" || fail "the download did not finish"
cmp "$work/served/file.bin" "$work/fetched/file.bin" || fail "the downloaded file differs"
for name in nul.txt CON com1 "name:stream"; do
  status=0
  (cd "$work/fetched" && python3 "$peers/tftp_download.py" --port "$tftp_port" "$name") \
    > "$work/tftp-refused.out" || status=$?
  [ "$status" = 2 ] && grep -q '^ERROR 2 ' "$work/tftp-refused.out" \
    || fail "$name was not refused with an access violation"
done

check "netassist.exe --headless points to netassist-cli.exe"
status=0
wine_run "$window_exe" --headless --mode udp > "$work/window-headless.out" 2>&1 || status=$?
[ "$status" = 2 ] || fail "netassist.exe --headless exited with $status, not 2"
grep -q 'netassist-cli.exe' "$work/window-headless.out" || fail "no pointer to netassist-cli.exe"

check "the window under Xvfb, in English and in Chinese"
# Wine's desktop process, started with the first exe, keeps the display
# it found then (none, for the headless checks above): a new wineserver
# starts a new one on the Xvfb display.
wine_stop
display=:$((90 + RANDOM % 100))
start xvfb Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp
export DISPLAY=$display
# The window gives up at once if the display is not there yet.
deadline=$(($(date +%s) + WAIT_SECS))
until [ -S "/tmp/.X11-unix/X${display#:}" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "Xvfb $display did not start"
  sleep 0.2
done
settings="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Roaming/netassist/data/app.ron"
rm -f "$settings"
for lang in en zh; do
  start "window-$lang" wine_run "$window_exe" --lang "$lang"
  window_pid=${pids[-1]}
  shot="$work/window-$lang.png"
  deadline=$(($(date +%s) + WAIT_SECS))
  colours=0
  while [ "$colours" -le "$MIN_COLOURS" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "the $lang window drew $colours colours within $WAIT_SECS s"
    sleep 1
    import -window root "$shot" 2>/dev/null || continue
    colours=$(identify -format '%k' "$shot")
  done
  echo "window ($lang): $colours colours, $shot"
  # A new window saves its settings once they have stayed unchanged for
  # a moment (SAVE_DEBOUNCE), under %APPDATA% (eframe's storage).
  until [ -f "$settings" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no settings saved in %APPDATA%\\netassist\\data\\app.ron within $WAIT_SECS s"
    sleep 0.5
  done
  kill "$window_pid" 2>/dev/null || true
  wine_stop
done
check "done"
