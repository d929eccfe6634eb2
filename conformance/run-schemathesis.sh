#!/usr/bin/env bash
# Schemathesis conformance suite: the vendors' OpenAPI specs (../shared/specs/, never copied
# into the repository) against the standalone fakes (`idp-fakes`), with every check, bounded to
# fit CI. Findings where the vendor spec itself is wrong are accepted by
# conformance/schemathesis-allowlist.txt; any other finding fails the run.
#
#   conformance/run-schemathesis.sh            # all three providers
#   conformance/run-schemathesis.sh okta kinde # some of them
#
# Environment (all optional):
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation and phase        (default 30)
#   SCHEMATHESIS_MAX_TIME      time budget per provider, seconds         (default okta 150, authress 75, kinde 75)
#   SCHEMATHESIS_SEED          hypothesis seed                           (default 15; "random" for a fresh one)
#   SCHEMATHESIS_WORKERS       schemathesis workers                      (default 1, see below)
#   CONFORMANCE_VENV           the venv (created if missing, reused)     (default target/conformance-venv)
#   CONFORMANCE_OUT            reports (NDJSON, JUnit, logs)             (default target/conformance/schemathesis)
#   IDP_SHARED                 the shared directory with specs/, seeds/  (default ../shared)
#   PYTHON                     the Python (>= 3.11) that creates the venv (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SCHEMATHESIS_VERSION=4.32.5
SHARED=${IDP_SHARED:-$ROOT/../shared}
SPECS=$SHARED/specs
SEEDS=$SHARED/seeds
VENV=${CONFORMANCE_VENV:-$ROOT/target/conformance-venv}
OUT=${CONFORMANCE_OUT:-$ROOT/target/conformance/schemathesis}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}
SEED=${SCHEMATHESIS_SEED:-15}
# One worker: the workers are threads of one Python process (little gain on 2 cores shared with
# the fakes), and with two, CPython 3.11's ast.parse (called by hypothesis) raised a spurious
# "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905).
WORKERS=${SCHEMATHESIS_WORKERS:-1}
ALLOWLIST=$ROOT/conformance/schemathesis-allowlist.txt
HELPER=$ROOT/conformance/schemathesis_findings.py
REQUIREMENTS=$ROOT/conformance/schemathesis-requirements.txt

if [ $# -gt 0 ]; then PROVIDERS=("$@"); else PROVIDERS=(okta authress kinde); fi
for p in "${PROVIDERS[@]}"; do
  case $p in okta | authress | kinde) ;; *) echo "unknown provider $p (okta, authress, kinde)" >&2; exit 2 ;; esac
done

spec_of() {
  case $1 in
    okta) echo "$SPECS/okta-management-subset.yaml" ;;
    authress) echo "$SPECS/authress-connections-subset.yaml" ;;
    kinde) echo "$SPECS/kinde-connections-subset.yaml" ;;
  esac
}
budget_of() {
  if [ -n "${SCHEMATHESIS_MAX_TIME:-}" ]; then echo "$SCHEMATHESIS_MAX_TIME"; return; fi
  case $1 in okta) echo 150 ;; *) echo 75 ;; esac
}

for p in "${PROVIDERS[@]}"; do
  if [ ! -f "$(spec_of "$p")" ]; then echo "!!! $(spec_of "$p") not found: schemathesis cannot run" >&2; exit 2; fi
done
started=$(date +%s)

# --- the venv, with a pinned schemathesis (and its dependencies pinned too) -----------------
echo "== schemathesis $SCHEMATHESIS_VERSION venv ($VENV)"
# Rebuilt when the pins change (the stamp records the version and the requirements file).
stamp="schemathesis==$SCHEMATHESIS_VERSION $(cksum <"$REQUIREMENTS")"
if [ ! -x "$VENV/bin/schemathesis" ] || [ "$(cat "$VENV/.pins" 2>/dev/null || true)" != "$stamp" ]; then
  rm -rf "$VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$REQUIREMENTS" "schemathesis==$SCHEMATHESIS_VERSION"
  echo "$stamp" >"$VENV/.pins"
fi
PY=$VENV/bin/python
"$VENV/bin/schemathesis" --version

# --- the fakes ----------------------------------------------------------------------------------
echo "== idp-fakes"
cargo build --quiet -p idp-testkit --bin idp-fakes
rm -rf "$OUT"
mkdir -p "$OUT"
FAKES_PID=
cleanup() {
  if [ -n "$FAKES_PID" ] && kill -0 "$FAKES_PID" 2>/dev/null; then
    kill -TERM "$FAKES_PID" 2>/dev/null || true
    wait "$FAKES_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"${CARGO_TARGET_DIR:-$ROOT/target}/debug/idp-fakes" --seed 5 >"$OUT/idp-fakes.json" 2>"$OUT/idp-fakes.log" &
FAKES_PID=$!
for _ in $(seq 1 100); do
  if [ -s "$OUT/idp-fakes.json" ]; then break; fi
  if ! kill -0 "$FAKES_PID" 2>/dev/null; then cat "$OUT/idp-fakes.log" >&2; echo "idp-fakes exited" >&2; exit 2; fi
  sleep 0.1
done
if [ ! -s "$OUT/idp-fakes.json" ]; then echo "idp-fakes printed no JSON line within 10 s" >&2; exit 2; fi
fake() { "$PY" -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d[sys.argv[2]][sys.argv[3]])' "$OUT/idp-fakes.json" "$1" "$2"; }
# Read by conformance/schemathesis-okta.toml.
OKTA_APP_ID=$(fake okta app_id)
export OKTA_APP_ID

# --- credentials, as each provider's clients obtain them ----------------------------------------
# Returns the Authorization header value for a provider.
authorization() {
  case $1 in
    # Okta: `Authorization: SSWS <API token>` (spec, securitySchemes.apiToken).
    okta) echo "SSWS $(fake okta api_token)" ;;
    # Authress: the service-client access key itself as the bearer, which Authress accepts in
    # place of a JWT (spec, securitySchemes.oauth2 description; Authress KB "Setting up API keys
    # as a Service"; the Go SDK, the Rust crate and the Terraform provider send it so). The fake
    # checks it as it checks the EdDSA JWTs the JS/Python SDKs sign from the same key.
    authress) echo "Bearer $(fake authress access_key)" ;;
    # Kinde: an M2M access token from the client-credentials grant at /oauth2/token with
    # audience <domain>/api (spec, info.description and securitySchemes.kindeBearerAuth).
    kinde)
      local token
      token=$(curl -fsS -X POST "$(fake kinde base_url)/oauth2/token" \
        --data-urlencode grant_type=client_credentials \
        --data-urlencode "client_id=$(fake kinde client_id)" \
        --data-urlencode "client_secret=$(fake kinde client_secret)" \
        --data-urlencode "audience=$(fake kinde audience)" |
        "$PY" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
      echo "Bearer $token"
      ;;
  esac
}

# --- test data the seed does not create ------------------------------------------------------
# Two Okta hook keys, so the key operations by id reach keys (schemathesis takes the ids from
# listHookKeys / createHookKey responses).
if [[ " ${PROVIDERS[*]} " == *" okta "* ]]; then
  for name in conformance-key-1 conformance-key-2; do
    curl -fsS -o /dev/null -X POST "$(fake okta base_url)/api/v1/hook-keys" \
      -H "Authorization: SSWS $(fake okta api_token)" -H "Content-Type: application/json" \
      -d "{\"name\":\"$name\"}"
  done
fi

# --- one schemathesis run per provider ----------------------------------------------------------
runs=()
for p in "${PROVIDERS[@]}"; do
  spec=$(spec_of "$p")
  mapfile -t ops < <("$PY" "$HELPER" ops --spec "$spec" --seeds "$SEEDS" || echo "!error")
  if [ "${#ops[@]}" -eq 0 ] || [ "${ops[-1]}" = "!error" ]; then exit 2; fi
  include=()
  for op in "${ops[@]}"; do include+=(--include-operation-id "$op"); done
  budget=$(budget_of "$p")
  # Outside the schemathesis command line, so a failed token request stops the script.
  auth=$(authorization "$p")
  if [ -z "${auth#* }" ]; then echo "no credentials for $p" >&2; exit 2; fi
  seed_args=()
  if [ "$SEED" != random ]; then seed_args=(--seed "$SEED"); fi
  config_args=()
  if [ "$p" = okta ]; then config_args=(--config-file "$ROOT/conformance/schemathesis-okta.toml"); fi
  echo "== schemathesis: $p (${#ops[@]} operations, max $MAX_EXAMPLES examples, max ${budget}s)"
  mkdir -p "$OUT/$p"
  status=0
  # Run from the report directory so schemathesis' cache and example database stay in target/.
  (
    cd "$OUT/$p"
    "$VENV/bin/schemathesis" --no-color "${config_args[@]}" run "$spec" \
      --url "$(fake "$p" base_url)" \
      -H "Authorization: $auth" \
      "${include[@]}" \
      --checks all \
      --max-examples "$MAX_EXAMPLES" \
      --max-time "$budget" \
      --workers "$WORKERS" \
      --request-timeout 10 \
      --generation-database none \
      "${seed_args[@]}" \
      --report ndjson,junit \
      --report-ndjson-path "$OUT/$p/events.ndjson" \
      --report-junit-path "$OUT/$p/junit.xml" \
      >"$OUT/$p/schemathesis.log" 2>&1
  ) || status=$?
  # Exit code 1 means "failures found": the allowlist decides. Anything else is a broken run.
  if [ "$status" -gt 1 ]; then
    tail -40 "$OUT/$p/schemathesis.log" >&2
    echo "!!! schemathesis exited $status for $p (log: $OUT/$p/schemathesis.log)" >&2
  fi
  grep -E '^(=+ .* in [0-9.]+s =+|Test cases:|  [0-9]+ generated)' "$OUT/$p/schemathesis.log" || true
  runs+=(--run "$p=$OUT/$p/events.ndjson=$spec")
done

cleanup
trap - EXIT INT TERM
verdict=0
"$PY" "$HELPER" report --allowlist "$ALLOWLIST" "${runs[@]}" || verdict=$?
echo "(schemathesis suite took $(($(date +%s) - started)) s; reports in $OUT)"
exit "$verdict"
