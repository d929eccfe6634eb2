#!/usr/bin/env bash
# The providers' official Python SDKs drive all 27 seed operations against the standalone fakes.
#
#   conformance/run-official.sh
#
# Creates (once) a venv with the pinned SDKs in target/official-sdks-venv (OFFICIAL_SDKS_VENV
# overrides; PYTHON picks the interpreter, default python3 >= 3.9), builds and starts
# `idp-fakes`, runs conformance/official_sdks.py with its JSON line, stops the server (SIGTERM).
# Prints `official SDKs: N/27`; exits non-zero unless 27/27.
#
# Pins: okta 3.4.6; authress 3.1.126 (the Authress Python SDK is published as `authress`; the
# `authress-sdk` name stops at 2.0.34, a shim that depends on `authress`); kinde-python-sdk 2.4.0.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
venv=${OFFICIAL_SDKS_VENV:-$target/official-sdks-venv}
python=${PYTHON:-python3}
pins=(okta==3.4.6 authress==3.1.126 kinde-python-sdk==2.4.0)

if [ ! -f "$venv/.pins" ] || [ "$(cat "$venv/.pins")" != "${pins[*]}" ]; then
    echo "official SDKs: creating $venv with ${pins[*]}" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
    echo "${pins[*]}" > "$venv/.pins"
fi

cargo build --quiet -p idp-testkit --bin idp-fakes --manifest-path "$root/Cargo.toml"
bin="$target/debug/idp-fakes"

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" >"$work/fakes.json" 2>"$work/fakes.err" &
pid=$!
for _ in $(seq 1 300); do
    if [ -s "$work/fakes.json" ] && grep -q '}' "$work/fakes.json"; then
        break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "official SDKs: idp-fakes exited early:" >&2
        cat "$work/fakes.err" >&2
        exit 1
    fi
    sleep 0.1
done
if ! grep -q '}' "$work/fakes.json"; then
    echo "official SDKs: idp-fakes printed no JSON line" >&2
    exit 1
fi

status=0
"$venv/bin/python" "$root/conformance/official_sdks.py" "$work/fakes.json" || status=$?

kill -TERM "$pid"
if ! wait "$pid"; then
    echo "official SDKs: idp-fakes did not stop cleanly on SIGTERM" >&2
    status=1
fi
pid=
exit "$status"
