"""Users, basic auth and X-F5-Auth-Token tokens as the REST framework of 14.1 handles them."""
from __future__ import annotations

import base64
import secrets
import string
import time
from dataclasses import dataclass

from engine import ApiError, FrameworkError, HOST_LINK

DEFAULT_TIMEOUT = 1200
MAX_TIMEOUT = 36000
MAX_TOKENS_PER_USER = 100
TOKEN_ALPHABET = string.ascii_uppercase + string.digits
TOKEN_KIND = "shared:authz:tokens:authtokenitemstate"
PROVIDER_UUID = "c1e8d8f0-6b43-4a46-8c89-4d2e1d2b1a01"


@dataclass
class User:
    name: str
    password: str
    admin: bool


@dataclass
class Token:
    value: str
    user: str
    address: str
    start: float
    timeout: int
    generation: int = 1

    @property
    def expires(self) -> float:
        return self.start + self.timeout


def _micros(seconds: float) -> int:
    return int(seconds * 1_000_000)


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(seconds)) + f".{int(seconds * 1000) % 1000:03d}" + \
        time.strftime("%z", time.localtime(seconds))


class Auth:
    """Checks credentials; issues, extends, lists and revokes tokens. Callers hold the device lock."""

    def __init__(self, users: list[User], clock=time.time):
        self.users = {user.name: user for user in users}
        self.tokens: dict[str, Token] = {}
        self.clock = clock

    def add_user(self, name: str, password: str, admin: bool) -> None:
        self.users[name] = User(name, password, admin)

    # --- request authentication ----------------------------------------------------------
    def authenticate(self, headers, uri: str, client: str) -> User:
        token_value = headers.get("X-F5-Auth-Token")
        if token_value:
            token = self.tokens.get(token_value)
            if token is None:
                raise FrameworkError(401, "X-F5-Auth-Token does not exist.")
            if token.expires <= self.clock():
                del self.tokens[token_value]
                raise FrameworkError(401, "X-F5-Auth-Token has expired.")
            return self.users[token.user]
        basic = headers.get("Authorization", "")
        if basic.lower().startswith("basic "):
            return self.check_basic(basic[6:].strip())
        raise FrameworkError(401, "Authorization failed: no user authentication header or token detected. "
                                  f"Uri:http://localhost:8100{uri} Referrer:{client} Sender:{client}")

    def check_basic(self, encoded: str) -> User:
        try:
            name, _sep, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise FrameworkError(401, "Authorization failed: the Basic authorization header is malformed.") from None
        user = self.users.get(name)
        if user is None or not secrets.compare_digest(user.password, password):
            raise FrameworkError(401, f"Authentication failed for user {name}.")
        return user

    # --- token endpoints -----------------------------------------------------------------
    def login(self, body: dict, client: str) -> dict:
        name, password = body.get("username"), body.get("password")
        provider = body.get("loginProviderName", "tmos")
        user = self.users.get(name) if isinstance(name, str) else None
        if user is None or not isinstance(password, str) or not secrets.compare_digest(user.password, password):
            raise FrameworkError(401, "Authentication failed.")
        if provider not in ("tmos", "local"):
            raise FrameworkError(401, f"Login provider {provider} is not configured.")
        self.expire_old()
        live = [t for t in self.tokens.values() if t.user == name]
        if not user.admin and len(live) >= MAX_TOKENS_PER_USER:
            raise ApiError(400, f"user {name} has reached maximum active login tokens", 1)
        token = Token(self.new_token_value(), name, client, self.clock(), DEFAULT_TIMEOUT)
        self.tokens[token.value] = token
        return {
            "username": name,
            "loginReference": {"link": f"{HOST_LINK}/mgmt/cm/system/authn/providers/tmos/{PROVIDER_UUID}/login"},
            "loginProviderName": provider,
            "token": self.render(token),
            "generation": 0,
            "lastUpdateMicros": 0,
        }

    def new_token_value(self) -> str:
        while True:
            value = "".join(secrets.choice(TOKEN_ALPHABET) for _position in range(26))
            if value not in self.tokens:
                return value

    def expire_old(self) -> None:
        now = self.clock()
        for value in [v for v, t in self.tokens.items() if t.expires <= now]:
            del self.tokens[value]

    def expire_all(self) -> int:
        count = len(self.tokens)
        for token in self.tokens.values():
            token.timeout = 0
            token.start = self.clock() - 1
        return count

    def own_token(self, value: str, user: User) -> Token:
        token = self.tokens.get(value)
        if token is None or token.expires <= self.clock():
            raise ApiError(404, f"Token {value} was not found.", 1)
        if token.user != user.name and not user.admin:
            raise ApiError(400, f"User {user.name} is not allowed to access token {value}.", 1)
        return token

    def extend(self, value: str, user: User, body: dict) -> dict:
        token = self.own_token(value, user)
        timeout = body.get("timeout")
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            raise ApiError(400, f"Invalid timeout value: {timeout!r}", 1)
        if timeout > MAX_TIMEOUT:
            raise ApiError(406, f"Auth-token absolute timeout ({MAX_TIMEOUT} seconds) exceeded", 1)
        token.timeout = timeout
        token.generation += 1
        return self.render(token)

    def render(self, token: Token) -> dict:
        user_link = f"{HOST_LINK}/mgmt/shared/authz/users/{token.user}"
        return {
            "token": token.value,
            "name": token.value,
            "userName": token.user,
            "authProviderName": "tmos",
            "user": {"link": user_link},
            "groupReferences": [],
            "timeout": token.timeout,
            "startTime": _iso(token.start),
            "address": token.address,
            "partition": "[All]",
            "generation": token.generation,
            "lastUpdateMicros": _micros(token.start),
            "expirationMicros": _micros(token.expires),
            "kind": TOKEN_KIND,
            "selfLink": f"{HOST_LINK}/mgmt/shared/authz/tokens/{token.value}",
        }

    def collection(self, user: User) -> dict:
        self.expire_old()
        items = [self.render(t) for t in self.tokens.values() if user.admin or t.user == user.name]
        return {"items": items, "generation": len(items), "kind": "shared:authz:tokens:authtokencollectionstate",
                "lastUpdateMicros": _micros(self.clock()), "selfLink": f"{HOST_LINK}/mgmt/shared/authz/tokens"}

    def logout(self, value: str, user: User) -> dict:
        token = self.own_token(value, user)
        del self.tokens[value]
        return self.render(token)
