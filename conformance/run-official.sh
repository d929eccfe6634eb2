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
# Their dependencies, pinned too (pip freeze of a working venv, Python 3.11), so that a new
# release of a transitive dependency cannot change the result.
constraints=(
    aenum==3.1.17 aiohappyeyeballs==2.7.1 aiohttp==3.14.5 aiosignal==1.4.0 annotated-types==0.8.0
    anyio==4.16.0 attrs==26.1.0 Authlib==1.9.10 blinker==1.9.0 certifi==2026.10.19.post1
    cffi==2.1.1 charset-normalizer==3.5.3 cryptography==50.0.2 frozendict==2.5.1
    frozenlist==1.8.0 h11==0.16.0 httpcore==1.0.9 httpx==0.28.1 idna==3.20 itsdangerous==2.2.0
    joserfc==1.8.0 jwcrypto==1.6.1 multidict==7.2.1 nest-asyncio==1.6.0 propcache==0.5.4
    pycparser==3.12 pycryptodomex==3.24.2 pydantic==2.14.4 pydantic_core==2.50.5 pydash==8.1.0
    PyJWT==2.15.1 python-dateutil==2.9.0.post0 python-dotenv==1.2.4 PyYAML==6.0.4
    requests==2.34.2 six==1.17.0 typing-inspection==0.4.5 typing_extensions==4.16.0
    urllib3==2.8.0 xmltodict==1.0.4 yarl==1.25.1
)
stamp="${pins[*]} ${constraints[*]}"

if [ ! -f "$venv/.pins" ] || [ "$(cat "$venv/.pins")" != "$stamp" ]; then
    echo "official SDKs: creating $venv with ${pins[*]}" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    printf '%s\n' "${constraints[@]}" > "$venv/constraints.txt"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$venv/constraints.txt" "${pins[@]}"
    echo "$stamp" > "$venv/.pins"
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
