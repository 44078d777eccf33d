"""The two keys kept outside the database: Ed25519 to sign records, HMAC-SHA-256 to seal secret ballots.

A copy of the database alone can then neither forge a ballot that verify accepts nor re-sign a chain.
The key files live in the instance folder by default (settings SIGNING_KEY_FILE and MAC_KEY_FILE move
them), are created by `init-db` with mode 0600 and loaded once per app. Nothing here is ever served or
logged except the public key.
"""

import base64
import hashlib
import hmac
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app

SIGNING_KEY_NAME = "signing-key.pem"
MAC_KEY_NAME = "mac-key"
_EXTENSION = "governance.keys"


class KeyFileError(RuntimeError):
    """A key file is missing, unreadable or too widely readable; the message says which and what to do."""


@dataclass
class _Keys:
    signing_path: Path
    mac_path: Path
    signing: Optional[Ed25519PrivateKey] = None
    mac: Optional[bytes] = None

    def __repr__(self) -> str:  # never show key material, not even in a traceback's locals
        return f"<keys signing={self.signing_path} mac={self.mac_path}>"


def key_paths(app: Flask) -> tuple[Path, Path]:
    """Where the signing key and the MAC key live for this app."""
    signing = app.config.get("SIGNING_KEY_FILE") or os.path.join(app.instance_path, SIGNING_KEY_NAME)
    mac = app.config.get("MAC_KEY_FILE") or os.path.join(app.instance_path, MAC_KEY_NAME)
    return Path(signing), Path(mac)


def _check_permissions(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"The key file {path} may be read by others (mode {mode:04o}); "
            f"allow only its owner (chmod 600 {path}) and start again."
        )


def init_app(app: Flask) -> None:
    """Refuse to start when a key file is readable by others; load the keys that exist, once."""
    signing_path, mac_path = key_paths(app)
    keys = _Keys(signing_path, mac_path)
    for path in (signing_path, mac_path):
        if path.exists():
            _check_permissions(path)
    app.extensions[_EXTENSION] = keys
    _load(keys, required=False)


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a key that appeared meanwhile; 0600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def ensure_keys(app: Flask) -> list[Path]:
    """Create whichever key file is missing (init-db); return the paths created."""
    keys: _Keys = app.extensions[_EXTENSION]
    created = []
    if not keys.signing_path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_private(keys.signing_path, pem)
        created.append(keys.signing_path)
    if not keys.mac_path.exists():
        _write_private(keys.mac_path, base64.b64encode(os.urandom(32)) + b"\n")
        created.append(keys.mac_path)
    for path in (keys.signing_path, keys.mac_path):
        _check_permissions(path)
    _load(keys, required=True)
    return created


def _load(keys: _Keys, *, required: bool) -> None:
    if keys.signing is None and (required or keys.signing_path.exists()):
        keys.signing = _read_signing_key(keys.signing_path)
    if keys.mac is None and (required or keys.mac_path.exists()):
        keys.mac = _read_mac_key(keys.mac_path)


def _missing(path: Path, what: str) -> KeyFileError:
    return KeyFileError(f"The {what} file {path} is missing; create it with `flask --app governance init-db`.")


def _read_signing_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _missing(path, "signing key") from None
    except OSError as error:
        raise KeyFileError(f"The signing key file {path} cannot be read ({error.strerror}).") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"The signing key file {path} does not hold an unencrypted Ed25519 private key.")
    return key


def _read_mac_key(path: Path) -> bytes:
    try:
        text = path.read_bytes().strip()
    except FileNotFoundError:
        raise _missing(path, "MAC key") from None
    except OSError as error:
        raise KeyFileError(f"The MAC key file {path} cannot be read ({error.strerror}).") from None
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise KeyFileError(f"The MAC key file {path} does not hold a key of at least 32 bytes (base64).")
    return key


def _keys() -> _Keys:
    keys: _Keys = current_app.extensions[_EXTENSION]
    _load(keys, required=True)
    return keys


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The key's short name: the first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()[:16]


def public_key() -> Ed25519PublicKey:
    return _keys().signing.public_key()


def key_id() -> str:
    return key_id_of(public_key())


def sign(data: bytes) -> str:
    """Ed25519 signature of `data`, base64."""
    return base64.b64encode(_keys().signing.sign(data)).decode("ascii")


def public_keys() -> list[dict]:
    """What GET /keys serves: the public half only."""
    key = public_key()
    return [
        {
            "key_id": key_id_of(key),
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(raw_public_key(key)).decode("ascii"),
        }
    ]


def mac(message: str) -> str:
    """HMAC-SHA-256 of `message` with the MAC key, hex: seals a secret ballot without the chain knowing it."""
    return hmac.digest(_keys().mac, message.encode(), "sha256").hex()


def macs(messages: Iterable[str]) -> list[str]:
    """`mac` of many messages with one look-up of the key (the close seals thousands of ballots at once)."""
    key = _keys().mac
    return [hmac.digest(key, message.encode(), "sha256").hex() for message in messages]


def mac_available() -> bool:
    """Whether the MAC key can be loaded (verify says so in a sentence instead of failing later)."""
    try:
        _keys()
    except KeyFileError:
        return False
    return True


def load_public_key(value) -> Ed25519PublicKey:
    """An Ed25519 public key from raw bytes, base64 text, a PEM public key or a GET /keys document."""
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, dict):
        items = value.get("keys") or [value]
        value = items[0].get("public_key", "")
    if isinstance(value, str):
        value = value.encode()
    text = value.strip()
    if text.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(text)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    raw = text if len(text) == 32 else base64.b64decode(text, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)
