#!/usr/bin/env python3
"""Drive the 27 seed operations with the providers' official Python SDKs against idp-fakes.

Usage: official_sdks.py FAKES_JSON_FILE   (the JSON line `idp-fakes` prints; run-official.sh
starts the server, writes the line and calls this script). Prints one line per operation and
`official SDKs: N/27`; exits non-zero unless 27/27.

The SDKs are used as shipped: no patched auth headers, no rewritten audiences, no monkeypatching.
Only what each SDK lets its users configure is configured:

* okta 3.4.6: `orgUrl` = the fake's http URL, with the SDK's own `testing.testingDisableHttpsCheck`
  switch set through its environment variable `OKTA_TESTING_TESTINGDISABLEHTTPSCHECK`
  (okta/config/config_validator.py refuses a non-https orgUrl otherwise); its SSWS header
  is sent as the SDK builds it (`SSWS<token>`, okta/configuration.py `auth_settings`).
* authress 3.1.126 (the `authress` distribution; `authress-sdk` 2.x is its older name and now a
  shim depending on it): `AuthressClient(authress_api_url=<http URL>, service_client_access_key=…)`
  (http URLs are used as given, authress/authress_client.py).
* kinde-python-sdk 2.4.0: `ManagementClient(domain, client_id, client_secret)` cannot talk to a
  plain-http server at all: it hardcodes `https://{domain}` for the API host
  (kinde_sdk/management/management_client.py `self.base_url`) and for the token endpoint
  (kinde_sdk/management/management_token_manager.py `self.token_url`), exactly as Kinde is
  https-only. So this script puts a small TLS terminator (stdlib `ssl`, a throw-away self-signed
  certificate for 127.0.0.1 made with `cryptography`, which the Authress SDK already depends on)
  in front of the fake and passes `127.0.0.1:<tls port>` as the domain. The SDK trusts the
  certificate through the standard `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE` environment variables
  (urllib3's default context and requests both honour them). The SDK then derives the audience
  `https://127.0.0.1:<tls port>/api` itself, which the fake accepts for the host it was reached
  under (crates/idp-testkit/src/kinde/token.rs).
"""

import asyncio
import datetime
import json
import os
import socket
import ssl
import sys
import tempfile
import threading
import traceback
import urllib.request

RESULTS = []


def record(name, fn):
    """Runs one operation; records ok / the failure."""
    try:
        detail = fn()
        RESULTS.append((name, True, detail or ""))
        print(f"ok   {name} {detail or ''}".rstrip(), flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, none is fatal
        RESULTS.append((name, False, repr(e)))
        print(f"FAIL {name}: {e!r}", flush=True)
        if os.environ.get("OFFICIAL_SDKS_VERBOSE"):
            traceback.print_exc()


async def arecord(name, coro_fn):
    try:
        detail = await coro_fn()
        RESULTS.append((name, True, detail or ""))
        print(f"ok   {name} {detail or ''}".rstrip(), flush=True)
    except Exception as e:  # noqa: BLE001
        RESULTS.append((name, False, repr(e)))
        print(f"FAIL {name}: {e!r}", flush=True)
        if os.environ.get("OFFICIAL_SDKS_VERBOSE"):
            traceback.print_exc()


def control(base_url, route, body=None):
    """POSTs to the fake's /__testkit control API (plain urllib: not an SDK call)."""
    data = json.dumps(body or {}).encode()
    req = urllib.request.Request(f"{base_url}/__testkit/{route}", data=data, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def okta_result(triple):
    """okta 3.x returns (data, response, error); an error is a failure."""
    if len(triple) == 3:
        data, resp, err = triple
    else:
        resp, err = triple
        data = None
    if err is not None:
        raise RuntimeError(f"okta SDK error: {err}")
    return data, resp


# ------------------------------------------------------------------------------------------
# Okta: 15 operations (ApplicationConnectionsApi, ApplicationUsersApi, HookKeyApi)


async def run_okta(fakes):
    from okta.client import Client as OktaClient
    from okta.models import (
        AppUserAssignRequest,
        AppUserCredentialsRequestPayload,
        AppUserUpdateRequest,
        KeyRequest,
        ProvisioningConnectionTokenRequest,
        UpdateDefaultProvisioningConnectionForApplicationRequest,
    )

    okta = fakes["okta"]
    base = okta["base_url"]
    app_id = "0oaofficialsdk"
    user_id = "00uofficialsdk01"
    control(base, "seed", {"users": [user_id]})
    # The SDK's own switch for non-https org URLs (okta/config/config_validator.py reads
    # `testing.testingDisableHttpsCheck`; a user config dict only reaches `client`, so it is set
    # the SDK's environment-variable way, okta/config/config_setter.py `_apply_env_config`).
    os.environ["OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"] = "true"
    config = {
        "orgUrl": base,
        "token": okta["api_token"],
        "rateLimit": {"maxRetries": 0},
    }
    async with OktaClient(config) as client:

        async def get_connection():
            data, _ = okta_result(
                await client.get_default_provisioning_connection_for_application(app_id)
            )
            return f"status={data.status}"

        async def update_connection():
            request = UpdateDefaultProvisioningConnectionForApplicationRequest(
                ProvisioningConnectionTokenRequest.from_dict(
                    {"profile": {"authScheme": "TOKEN", "token": "provisioning-token-1"}}
                )
            )
            data, _ = okta_result(
                await client.update_default_provisioning_connection_for_application(
                    app_id, request, activate=True
                )
            )
            return ""

        async def deactivate():
            okta_result(
                await client.deactivate_default_provisioning_connection_for_application(app_id)
            )

        async def activate():
            okta_result(
                await client.activate_default_provisioning_connection_for_application(app_id)
            )

        await arecord("okta get_default_provisioning_connection_for_application", get_connection)
        await arecord("okta update_default_provisioning_connection_for_application", update_connection)
        await arecord("okta deactivate_default_provisioning_connection_for_application", deactivate)
        await arecord("okta activate_default_provisioning_connection_for_application", activate)

        async def assign():
            request = AppUserAssignRequest.from_dict(
                {"id": user_id, "scope": "USER", "credentials": {"userName": "ada@example.com"}}
            )
            data, _ = okta_result(await client.assign_user_to_application(app_id, request))
            return f"id={data.id}"

        async def list_users():
            data, _ = okta_result(await client.list_application_users(app_id, limit=20))
            ids = [u.id for u in data]
            if user_id not in ids:
                raise RuntimeError(f"assigned user missing from {ids}")
            return f"{len(ids)} users"

        async def get_user():
            data, _ = okta_result(await client.get_application_user(app_id, user_id))
            return f"status={data.status}"

        async def update_user():
            # AppUserUpdateRequest is a oneOf whose variants both match any dict (from_dict
            # refuses it), so the wrapper is built around the intended variant.
            request = AppUserUpdateRequest(
                AppUserCredentialsRequestPayload.from_dict(
                    {"credentials": {"userName": "ada.lovelace@example.com"}}
                )
            )
            data, _ = okta_result(await client.update_application_user(app_id, user_id, request))
            return ""

        async def unassign():
            okta_result(await client.unassign_user_from_application(app_id, user_id))

        await arecord("okta assign_user_to_application", assign)
        await arecord("okta list_application_users", list_users)
        await arecord("okta get_application_user", get_user)
        await arecord("okta update_application_user", update_user)
        await arecord("okta unassign_user_from_application", unassign)

        state = {}

        async def create_key():
            data, _ = okta_result(await client.create_hook_key(KeyRequest(name="official-sdk-key")))
            state["id"], state["key_id"] = data.id, data.key_id
            return f"id={data.id}"

        async def list_keys():
            data, _ = okta_result(await client.list_hook_keys())
            return f"{len(data)} keys"

        async def get_key():
            data, _ = okta_result(await client.get_hook_key(state["id"]))
            return f"name={data.name}"

        async def get_public():
            data, _ = okta_result(await client.get_public_key(state["key_id"]))
            return f"kty={data.kty}" if hasattr(data, "kty") else ""

        async def replace_key():
            data, _ = okta_result(
                await client.replace_hook_key(state["id"], KeyRequest(name="official-sdk-key-2"))
            )
            return f"name={data.name}"

        async def delete_key():
            okta_result(await client.delete_hook_key(state["id"]))

        await arecord("okta create_hook_key", create_key)
        await arecord("okta list_hook_keys", list_keys)
        await arecord("okta get_hook_key", get_key)
        await arecord("okta get_public_key", get_public)
        await arecord("okta replace_hook_key", replace_key)
        await arecord("okta delete_hook_key", delete_key)


# ------------------------------------------------------------------------------------------
# Authress: 6 operations (ConnectionsApi)


def run_authress(fakes):
    from authress import AuthressClient
    from authress.models import Connection

    authress = fakes["authress"]
    client = AuthressClient(
        authress_api_url=authress["base_url"],
        service_client_access_key=authress["access_key"],
    )
    state = {}

    def create():
        connection = Connection.from_dict(
            {
                "type": "OAUTH2",
                "authenticationUrl": "https://idp.example.com/authorize",
                "tokenUrl": "https://idp.example.com/token",
                "clientId": "official-sdk-client",
                "clientSecret": "official-sdk-secret",
                "data": {"name": "Official SDK"},
            }
        )
        created = client.connections.create_connection(connection)
        state["id"] = created.connection_id
        return f"id={created.connection_id}"

    def list_all():
        page = client.connections.get_connections()
        return f"{len(page.connections)} connections"

    def get():
        got = client.connections.get_connection(state["id"])
        return f"clientId={got.client_id}"

    def update():
        connection = Connection.from_dict(
            {
                "type": "OAUTH2",
                "authenticationUrl": "https://idp.example.com/authorize",
                "tokenUrl": "https://idp.example.com/token",
                "clientId": "official-sdk-client-2",
                "clientSecret": "official-sdk-secret",
                "data": {"name": "Official SDK 2"},
            }
        )
        updated = client.connections.update_connection(state["id"], connection)
        return f"clientId={updated.client_id}"

    def credentials():
        control(
            authress["base_url"],
            "seed",
            {
                "credentials": [
                    {
                        "connection_id": state["id"],
                        "user_id": "user-1",
                        "access_token": "idp-access-token",
                    }
                ]
            },
        )
        got = client.connections.get_connection_credentials(state["id"], "user-1")
        if got.access_token != "idp-access-token":
            raise RuntimeError(f"unexpected credentials {got!r}")
        return ""

    def delete():
        client.connections.delete_connection(state["id"])

    record("authress create_connection", create)
    record("authress get_connections", list_all)
    record("authress get_connection", get)
    record("authress update_connection", update)
    record("authress get_connection_credentials", credentials)
    record("authress delete_connection", delete)


# ------------------------------------------------------------------------------------------
# Kinde: 6 operations (ConnectionsApi), through a TLS terminator (see the module docstring)


def self_signed_cert(directory):
    """A throw-away certificate and key for 127.0.0.1 (PEM files); returns their paths."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp-fakes test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


def pump(src, dst):
    try:
        while True:
            chunk = src.recv(65536)
            if not chunk:
                break
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def tls_terminator(upstream_port, cert_path, key_path):
    """Listens on 127.0.0.1 with TLS, forwarding each connection's bytes to the plain-http
    upstream unchanged (the Host header stays the terminator's). Returns the port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve(raw):
        try:
            tls = context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        upstream = socket.create_connection(("127.0.0.1", upstream_port))
        threading.Thread(target=pump, args=(upstream, tls), daemon=True).start()
        pump(tls, upstream)

    def accept_loop():
        while True:
            raw, _ = listener.accept()
            threading.Thread(target=serve, args=(raw,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return listener.getsockname()[1]


def run_kinde(fakes):
    kinde = fakes["kinde"]
    upstream_port = int(kinde["base_url"].rsplit(":", 1)[1])
    directory = tempfile.mkdtemp(prefix="idp-fakes-tls-")
    cert_path, key_path = self_signed_cert(directory)
    tls_port = tls_terminator(upstream_port, cert_path, key_path)
    # Trust the throw-away certificate the standard way (urllib3's default context, requests).
    os.environ["SSL_CERT_FILE"] = cert_path
    os.environ["REQUESTS_CA_BUNDLE"] = cert_path

    from kinde_sdk.management import ManagementClient
    from kinde_sdk.management.models import (
        CreateConnectionRequest,
        CreateConnectionRequestOptions,
        CreateConnectionRequestOptionsOneOf,
        ReplaceConnectionRequest,
        ReplaceConnectionRequestOptions,
        ReplaceConnectionRequestOptionsOneOf,
        UpdateConnectionRequest,
    )

    # Kinde's spec declares `options` as a oneOf of all-optional objects, so the SDK's
    # from_dict() finds several matches for any dict and refuses it (shared/notes: "Kinde's
    # all-optional oneOf options"); the wrapper is built around the intended variant instead.
    def create_options(**fields):
        return CreateConnectionRequestOptions(CreateConnectionRequestOptionsOneOf(**fields))

    def replace_options(**fields):
        return ReplaceConnectionRequestOptions(ReplaceConnectionRequestOptionsOneOf(**fields))

    client = ManagementClient(
        domain=f"127.0.0.1:{tls_port}",
        client_id=kinde["client_id"],
        client_secret=kinde["client_secret"],
    )
    api = client.connections_api
    state = {}

    def create():
        request = CreateConnectionRequest(
            name="official-sdk",
            display_name="Official SDK",
            strategy="oauth2:google",
            options=create_options(client_id="google-client", client_secret="google-secret"),
        )
        created = api.create_connection(request)
        state["id"] = created.connection.id
        return f"id={created.connection.id}"

    def list_all():
        page = api.get_connections(page_size=10)
        return f"{len(page.connections or [])} connections"

    def get():
        got = api.get_connection(state["id"])
        return f"name={got.connection.name}"

    def update():
        api.update_connection(
            state["id"], UpdateConnectionRequest.from_dict({"display_name": "Official SDK 2"})
        )

    def replace():
        api.replace_connection(
            state["id"],
            ReplaceConnectionRequest(
                name="official-sdk",
                display_name="Official SDK 3",
                options=replace_options(client_id="google-client", client_secret="google-secret"),
            ),
        )

    def delete():
        api.delete_connection(state["id"])

    record("kinde create_connection", create)
    record("kinde get_connections", list_all)
    record("kinde get_connection", get)
    record("kinde update_connection", update)
    record("kinde replace_connection", replace)
    record("kinde delete_connection", delete)


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        fakes = json.loads(f.readline())
    runs = (
        ("okta", lambda: asyncio.run(run_okta(fakes))),
        ("authress", lambda: run_authress(fakes)),
        ("kinde", lambda: run_kinde(fakes)),
    )
    for name, run in runs:
        try:
            run()
        except Exception as e:  # noqa: BLE001 - an SDK that cannot even start fails its operations
            print(f"FAIL {name}: could not run: {e!r}", flush=True)
            traceback.print_exc()
    passed = sum(1 for _, ok, _ in RESULTS if ok)
    print(f"official SDKs: {passed}/27")
    return 0 if passed == 27 and len(RESULTS) == 27 else 1


if __name__ == "__main__":
    sys.exit(main())
