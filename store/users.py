"""Who may use the archive, and what each of them may see.

Users live in `<home>/users.sqlite` beside the catalog (or in PostgreSQL, `store.database`): their
role, their scope, an Argon2 hash of the password, their log-in sessions and their API tokens.
Nothing secret is stored in the clear: passwords as Argon2id hashes, session ids as HMACs under the
installation's secret key, API tokens as SHA-256 digests (a token is 256 random bits, so a fast
digest is enough and survives a key change).

Roles:
- `keeper`: a record keeper, scoped to one or more tehsils (stored as "district/tehsil"); reads only.
- `scanner`: the district scanning team, scoped to tehsils like a keeper; may also review and
  correct the record files of its tehsils (`night.corrections`).
- `dc`: a Deputy Commissioner, scoped to one or more districts.
- `admin`: everything.

What a user may see inside and outside their scope is decided in `store.access`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.config import Settings, name_key
from domain.errors import UsageError
from store.database import open_store

Role = Literal["keeper", "scanner", "dc", "admin"]
ROLES: tuple[Role, ...] = ("keeper", "scanner", "dc", "admin")
TEHSIL_ROLES = ("keeper", "scanner")  # roles scoped to tehsils
INTERFACE_LANGUAGES = ("en", "ur", "hi")  # of the web pages (web.i18n)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "dft_"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('keeper', 'dc', 'admin')),
    password_hash TEXT NOT NULL,     -- Argon2id, with its own salt and parameters
    districts TEXT NOT NULL,         -- JSON list (dc)
    tehsils TEXT NOT NULL,           -- JSON list of "district/tehsil" (keeper)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,        -- HMAC-SHA256 of the cookie value under the secret key
    user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at REAL NOT NULL,        -- unix seconds
    last_seen REAL NOT NULL,
    expires_at REAL NOT NULL         -- absolute end, whatever the activity
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash TEXT PRIMARY KEY,     -- SHA-256 of the token
    user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens (user);
"""

# The scanner role. SQLite cannot change a CHECK in place: the users table is made again, and the
# sessions and tokens that refer to it are set aside first (dropping a table with foreign keys on
# deletes what refers to it) and put back after.
SCANNER_ROLE = """
CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;
CREATE TEMP TABLE api_tokens_kept AS SELECT * FROM api_tokens;
DROP TABLE sessions;
DROP TABLE api_tokens;
CREATE TABLE users_with_scanners (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('keeper', 'scanner', 'dc', 'admin')),
    password_hash TEXT NOT NULL,
    districts TEXT NOT NULL,
    tehsils TEXT NOT NULL,           -- JSON list of "district/tehsil" (keeper, scanner)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO users_with_scanners SELECT name, role, password_hash, districts, tehsils, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_with_scanners RENAME TO users;
""" + SCHEMA + """
INSERT INTO sessions SELECT * FROM temp.sessions_kept;
INSERT INTO api_tokens SELECT * FROM temp.api_tokens_kept;
DROP TABLE temp.sessions_kept;
DROP TABLE temp.api_tokens_kept;
"""

USER_LANGUAGE = "ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('en', 'ur', 'hi'));"

# In order, never edited once released (see store.database).
MIGRATIONS = [SCHEMA, SCANNER_ROLE, USER_LANGUAGE]

# Argon2id with the library's defaults (RFC 9106 "low memory" profile: 64 MiB, 3 passes).
_HASHER = PasswordHasher()
# Each hash holds 64 MiB while it runs: 40 log-ins at once took a server from 99 MB to 2.4 GB.
# Two at a time bound that to 128 MiB; the others wait their turn (bench/login_flood.py).
HASHES_AT_ONCE = 2
_HASHING = threading.BoundedSemaphore(HASHES_AT_ONCE)


def _hash(password: str) -> str:
    with _HASHING:
        return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> None:
    """Raises VerificationError (or InvalidHashError) unless the password matches the hash."""
    with _HASHING:
        _HASHER.verify(password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong password."""
    return _hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    districts: tuple[str, ...] = ()
    tehsils: tuple[str, ...] = ()  # "district/tehsil"
    language: str | None = None  # of the web pages (INTERFACE_LANGUAGES); None: the browser's choice

    def in_scope(self, district: str, tehsil: str) -> bool:
        """Whether the file's tehsil is this user's own (their tehsils, district or everything)."""
        if self.role == "admin":
            return True
        # names compared by their key: a folder may spell a scoped tehsil in another case
        if self.role == "dc":
            return name_key(district) in {name_key(d) for d in self.districts}
        return (name_key(district), name_key(tehsil)) in {tuple(map(name_key, t.split("/", 1))) for t in self.tehsils}

    def may_correct(self, district: str, tehsil: str) -> bool:
        """Whether the user may review and correct the record files of this tehsil: the scanning
        team inside its tehsils, an administrator everywhere; keepers and DCs only read."""
        return self.role == "admin" or (self.role == "scanner" and self.in_scope(district, tehsil))

    def scope_districts(self) -> list[str] | None:
        """The districts this user's scope touches; None means all of them (administrator)."""
        if self.role == "admin":
            return None
        if self.role == "dc":
            return list(self.districts)
        return sorted({entry.split("/", 1)[0] for entry in self.tehsils})

    def scope_label(self) -> str:
        if self.role == "admin":
            return "all districts"
        if self.role == "dc":
            return ", ".join(self.districts)
        return ", ".join(self.tehsils)


class UserStore:
    """A thin layer over `<home>/users.sqlite`. One instance per thread."""

    def __init__(self, path: Path):
        # password hashes and who may see what: readable by its owner only
        self.db = open_store(path, MIGRATIONS, private=True)

    @classmethod
    def open(cls, home: Path) -> "UserStore":
        return cls(home / "users.sqlite")

    def close(self) -> None:
        self.db.close()

    # users -------------------------------------------------------------------------------------

    def user(self, name: str) -> User | None:
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return _user_from_row(row) if row else None

    def users(self) -> list[User]:
        return [_user_from_row(row) for row in self.db.execute("SELECT * FROM users ORDER BY name")]

    def insert(self, user: User, password: str) -> None:
        now = _now_iso()
        added = self.db.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            (user.name, user.role, _hash(password), json.dumps(list(user.districts)),
             json.dumps(list(user.tehsils)), now, now, user.language),
        ).rowcount
        if not added:
            raise UsageError(f"user {user.name!r} already exists")

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        changed = self.db.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?", (_hash(password), _now_iso(), name)
        ).rowcount
        if not changed:
            raise UsageError(f"no user {name!r}")
        # A new password ends every session opened with the old one.
        self.db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def set_language(self, name: str, language: str | None) -> None:
        if not self.db.execute("UPDATE users SET language = ? WHERE name = ?", (language, name)).rowcount:
            raise UsageError(f"no user {name!r}")

    def remove(self, name: str) -> bool:
        return bool(self.db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount)

    def check_password(self, name: str, password: str) -> User | None:
        """The user if the password is theirs, else None. Upgrades the hash when the Argon2
        parameters have been raised since it was made."""
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _verify(row["password_hash"] if row else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(row["password_hash"]):
            self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_hash(password), name))
        return _user_from_row(row)

    # sessions ----------------------------------------------------------------------------------

    def open_session(self, name: str, key: bytes, lifetime_s: float, now: float | None = None) -> str:
        """A new session for the user; returns the cookie value (only its HMAC is stored)."""
        now = time.time() if now is None else now
        session_id = secrets.token_urlsafe(32)
        self.db.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", (_session_hash(session_id, key), name, now, now, now + lifetime_s)
        )
        # Forget expired sessions now and then, so the table does not grow for ever.
        self.db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
        return session_id

    def session_user(self, session_id: str, key: bytes, idle_s: float, now: float | None = None) -> User | None:
        """The user of a live session: not past its absolute end and used within `idle_s`."""
        now = time.time() if now is None else now
        id_hash = _session_hash(session_id, key)
        row = self.db.execute("SELECT * FROM sessions WHERE id_hash = ?", (id_hash,)).fetchone()
        if row is None:
            return None
        if row["expires_at"] <= now or row["last_seen"] + idle_s <= now:
            self.db.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
            return None
        if now - row["last_seen"] > 60:  # one write a minute is enough to track idleness
            self.db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, id_hash))
        return self.user(row["user"])

    def close_session(self, session_id: str, key: bytes) -> None:
        self.db.execute("DELETE FROM sessions WHERE id_hash = ?", (_session_hash(session_id, key),))

    # API tokens --------------------------------------------------------------------------------

    def add_token(self, name: str) -> str:
        if self.user(name) is None:
            raise UsageError(f"no user {name!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO api_tokens VALUES (?, ?, ?, NULL)", (_token_hash(token), name, _now_iso()))
        return token

    def token_user(self, token: str) -> User | None:
        token_hash = _token_hash(token)
        row = self.db.execute("SELECT user FROM api_tokens WHERE token_hash = ?", (token_hash,)).fetchone()
        if row is None:
            return None
        self.db.execute("UPDATE api_tokens SET last_used = ? WHERE token_hash = ?", (_now_iso(), token_hash))
        return self.user(row["user"])

    def revoke_tokens(self, name: str) -> int:
        return self.db.execute("DELETE FROM api_tokens WHERE user = ?", (name,)).rowcount


# Plain functions for the command line ------------------------------------------------------------


def add_user(
    home: Path,
    name: str,
    role: str,
    tehsils: list[str] | None = None,
    districts: list[str] | None = None,
    password: str = "",
    settings: Settings | None = None,
    language: str | None = None,
) -> User:
    """Add a user. A keeper or scanner needs at least one tehsil ("district/tehsil", or a tehsil name that the
    configs or a single `districts` entry place in one district); a DC needs at least one district."""
    settings = settings or Settings.load()
    user = dataclasses.replace(make_user(name, role, tehsils or [], districts or [], settings), language=language)
    _check_password(password)
    if language not in (None, *INTERFACE_LANGUAGES):
        raise UsageError(f"language must be one of {', '.join(INTERFACE_LANGUAGES)}, not {language!r}")
    with closing(UserStore.open(home)) as store:
        store.insert(user, password)
    return user


def set_password(home: Path, name: str, password: str) -> None:
    with closing(UserStore.open(home)) as store:
        store.set_password(name, password)


def remove_user(home: Path, name: str) -> bool:
    """Remove a user with their sessions and tokens. False if there was no such user."""
    with closing(UserStore.open(home)) as store:
        return store.remove(name)


def list_users(home: Path) -> list[User]:
    with closing(UserStore.open(home)) as store:
        return store.users()


def issue_token(home: Path, name: str) -> str:
    """A new API token for the user, shown once: only its digest is kept."""
    with closing(UserStore.open(home)) as store:
        return store.add_token(name)


def revoke_tokens(home: Path, name: str) -> int:
    with closing(UserStore.open(home)) as store:
        return store.revoke_tokens(name)


def make_user(name: str, role: str, tehsils: list[str], districts: list[str], settings: Settings) -> User:
    """Validate a user's name, role and scope; tehsils come back as "district/tehsil"."""
    if not NAME_PATTERN.match(name):
        raise UsageError("a user name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
    if role not in ROLES:
        raise UsageError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "admin":
        return User(name, "admin")
    if role == "dc":
        if not districts:
            raise UsageError("a Deputy Commissioner (dc) needs --district")
        if tehsils:
            raise UsageError("a Deputy Commissioner is scoped to whole districts; leave out --tehsil")
        return User(name, "dc", districts=tuple(dict.fromkeys(districts)))
    if not tehsils:
        raise UsageError(f"a {'record keeper' if role == 'keeper' else 'scanning team'} ({role}) needs at least one --tehsil")
    resolved = [_resolve_tehsil(tehsil, districts, settings) for tehsil in tehsils]
    return User(name, role, districts=tuple(dict.fromkeys(t.split("/", 1)[0] for t in resolved)),
                tehsils=tuple(dict.fromkeys(resolved)))


def _resolve_tehsil(tehsil: str, districts: list[str], settings: Settings) -> str:
    if "/" in tehsil:
        district, name = tehsil.split("/", 1)
        if district and name:
            return f"{district}/{name}"
        raise UsageError(f"tehsil {tehsil!r} must be written district/tehsil")
    if len(districts) == 1:
        return f"{districts[0]}/{tehsil}"
    homes = [d.name for d in settings.districts.values() if any(t.name == tehsil for t in d.tehsils)]
    if districts:
        homes = [d for d in homes if d in districts]
    if len(homes) == 1:
        return f"{homes[0]}/{tehsil}"
    if not homes:
        raise UsageError(f"tehsil {tehsil!r} is in no configured district; write it as district/tehsil or add --district")
    raise UsageError(f"tehsil {tehsil!r} is in several districts ({', '.join(homes)}); write it as district/tehsil")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _user_from_row(row) -> User:
    return User(row["name"], row["role"], tuple(json.loads(row["districts"])), tuple(json.loads(row["tehsils"])), row["language"])


def _session_hash(session_id: str, key: bytes) -> str:
    return hmac.new(key, session_id.encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")

