"""Log in to Odoo 18 with a password or an API key and get an ``odoorpc.ODOO``.

Why not ``odoorpc.ODOO.login``: depending on its version, odoorpc logs in
through ``/web/session/authenticate``, which opens an interactive web session;
Odoo 18 refuses API keys there, since they are meant for RPC only
(OCA/odoorpc#74). The JSON-RPC ``common`` service's ``authenticate`` accepts a
password or an API key, and so does the ``object`` service's ``execute_kw``,
which is what odoorpc's model proxies call on every request. So
:class:`KeyAwareODOO` logs in through ``common.authenticate`` and then keeps
odoorpc unchanged: ``odoo.env["sale.order"].search(...)`` and friends send
``(db, uid, secret)`` to ``/jsonrpc`` as usual. No web session is ever opened.
"""

import http.client
import socket
import urllib.error
import urllib.parse

import odoorpc
from odoorpc.env import Environment

BUSINESS_ERRORS = {
    "odoo.exceptions.UserError": "UserError",
    "odoo.exceptions.ValidationError": "ValidationError",
    "odoo.exceptions.AccessError": "AccessError",
    "odoo.exceptions.MissingError": "MissingError",
    "odoo.exceptions.RedirectWarning": "UserError",
}
NETWORK_ERRORS = (
    urllib.error.URLError,
    ConnectionError,
    socket.timeout,
    http.client.HTTPException,
    ValueError,  # a non-JSON answer: not an Odoo server
)


class ClientError(Exception):
    """Base of the client's errors; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class BusinessError(ClientError):
    """Odoo refused the call: UserError, ValidationError, AccessError or
    MissingError. ``kind`` holds that name."""

    exit_code = 1

    def __init__(self, message, kind="UserError"):
        super().__init__(message)
        self.kind = kind


class ServerError(ClientError):
    """Odoo failed on an unexpected error (a bug on the server side)."""

    exit_code = 1


class UsageError(ClientError):
    """The command line or the arguments are wrong."""

    exit_code = 2


class ConnectionFailed(ClientError):
    """The server cannot be reached, or the login was refused."""

    exit_code = 3


class KeyAwareODOO(odoorpc.ODOO):
    """``odoorpc.ODOO`` whose ``login`` accepts a password or an API key."""

    def login(self, db, login="admin", password="admin"):
        uid = self.json(
            "/jsonrpc",
            {
                "service": "common",
                "method": "authenticate",
                "args": [db, login, password, {}],
            },
        )["result"]
        if not uid:
            raise ConnectionFailed(
                f"login refused for {login!r} on database {db!r}: wrong login, "
                "password or API key (API keys need a user with RPC access)"
            )
        context = self.json(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [db, uid, password, "res.users", "context_get", [], {}],
            },
        )["result"]
        context["uid"] = uid
        self._env = Environment(self, db, uid, context=context)
        self._login = login
        self._password = password


def parse_url(url):
    """``https://erp.example.com`` -> (host, protocol, port) for odoorpc."""
    if not url:
        raise UsageError("no server URL: pass --url or set SC_URL")
    parsed = urllib.parse.urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"invalid server URL {url!r}: expected http(s)://host[:port]")
    if parsed.path not in ("", "/"):
        raise UsageError(f"invalid server URL {url!r}: Odoo must be served at /")
    ssl = parsed.scheme == "https"
    try:
        port = parsed.port or (443 if ssl else 80)
    except ValueError as exc:
        raise UsageError(f"invalid port in server URL {url!r}") from exc
    return parsed.hostname, "jsonrpc+ssl" if ssl else "jsonrpc", port


def translate_error(exc):
    """Turn an odoorpc or network exception into a :class:`ClientError`."""
    if isinstance(exc, ClientError):
        return exc
    if isinstance(exc, odoorpc.error.RPCError):
        info = exc.info if isinstance(exc.info, dict) else {}
        data = info.get("data") or {}
        name = data.get("name", "")
        message = data.get("message") or str(exc)
        if name in BUSINESS_ERRORS:
            return BusinessError(message, BUSINESS_ERRORS[name])
        if name == "odoo.exceptions.AccessDenied":
            return ConnectionFailed(f"access denied: {message}")
        return ServerError(f"server error ({name or 'unknown'}): {message}")
    if isinstance(exc, NETWORK_ERRORS):
        return ConnectionFailed(f"cannot talk to the Odoo server: {exc}")
    return exc


def connect(url, db, login, password=None, api_key=None, timeout=120):
    """Return a logged-in :class:`KeyAwareODOO`.

    Give either ``password`` or ``api_key`` (an Odoo 18 API key, created in
    Preferences > Account Security > New API Key). Raises
    :class:`UsageError` for missing parameters and :class:`ConnectionFailed`
    when the server is unreachable or refuses the login.
    """
    host, protocol, port = parse_url(url)
    if not db:
        raise UsageError("no database: pass --db or set SC_DB")
    if not login:
        raise UsageError("no login: pass --login or set SC_LOGIN")
    secret = api_key or password
    if not secret:
        raise UsageError(
            "no password or API key: pass --password/--api-key or set "
            "SC_PASSWORD/SC_API_KEY"
        )
    try:
        odoo = KeyAwareODOO(host, protocol=protocol, port=port, timeout=timeout)
        odoo.login(db, login, secret)
    except ClientError:
        raise
    except odoorpc.error.RPCError as exc:
        error = translate_error(exc)
        raise ConnectionFailed(f"cannot log in to database {db!r}: {error}") from exc
    except NETWORK_ERRORS as exc:
        raise translate_error(exc) from exc
    return odoo
