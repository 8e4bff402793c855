"""Streaming authenticated encryption of a backup archive with a passphrase.

The archive is cut into chunks of ``CHUNK_SIZE`` bytes, each sealed with AES-256-GCM (the STREAM
construction: the nonce is a random prefix, the chunk's counter and a flag set on the last
chunk). So a backup of any size is encrypted and decrypted with one chunk in memory, and any
change is caught: a flipped byte fails that chunk's tag, chunks swapped fail their counters, a
file cut short lacks its flagged last chunk. The header (the key-derivation parameters) is the
associated data of every chunk.

Layout::

    MAGIC (8) · version (1) · log2(scrypt n) (1) · scrypt r (1) · scrypt p (1)
    · salt (16) · nonce prefix (7) · key check (16)
    then chunks: ciphertext of CHUNK_SIZE bytes + 16-byte tag, the last one shorter or equal

The key check (an HMAC of a fixed label under the derived key) tells a wrong passphrase from a
damaged file before anything is decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"SONMAIBK"
VERSION = 1
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
SALT_SIZE = 16
PREFIX_SIZE = 7
CHECK_SIZE = 16
# scrypt with n = 2**15, r = 8: about 32 MiB and a tenth of a second per derivation.
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
_HEADER = struct.Struct(f">{len(MAGIC)}sBBBB{SALT_SIZE}s{PREFIX_SIZE}s{CHECK_SIZE}s")
HEADER_SIZE = _HEADER.size


class WrongPassphrase(ValueError):
    """The passphrase does not open this archive."""


class DamagedArchive(ValueError):
    """The encrypted archive was changed, cut short or is not one of ours."""


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _keys(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not 10 <= log2_n <= 22 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise DamagedArchive("unreasonable key-derivation parameters")
    master = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=1 << log2_n,
        r=r,
        p=p,
        maxmem=256 * 1024 * 1024,
        dklen=32,
    )
    key = hmac.new(master, b"sonmai-backup encryption key", hashlib.sha256).digest()
    check = hmac.new(master, b"sonmai-backup key check", hashlib.sha256).digest()[:CHECK_SIZE]
    return key, check


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter(io.RawIOBase):
    """A writable stream that seals what is written into ``sink``; ``close()`` seals the last
    chunk (the sink itself stays open)."""

    def __init__(self, sink: BinaryIO, passphrase: str, *, chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
        key, check = _keys(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._header = _HEADER.pack(
            MAGIC, VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix, check
        )
        self._aead = AESGCM(key)
        self._prefix = prefix
        self._sink = sink
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._buffer += data
        # A chunk is sealed only once more data follows it: the last one must carry the flag.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._sink.write(self._aead.encrypt(nonce, plain, self._header))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A readable stream of the plain archive; raises WrongPassphrase before the first byte,
    DamagedArchive on the first chunk that does not authenticate."""

    def __init__(self, source: BinaryIO, passphrase: str, *, chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not is_encrypted(header):
            raise DamagedArchive("not an encrypted backup")
        _magic, version, log2_n, r, p, salt, prefix, check = _HEADER.unpack(header)
        if version != VERSION:
            raise DamagedArchive(f"unknown encryption version {version}")
        key, expected = _keys(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(check, expected):
            raise WrongPassphrase("wrong passphrase")
        self._aead = AESGCM(key)
        self._header = header
        self._prefix = prefix
        self._source = source
        self._record_size = chunk_size + TAG_SIZE
        self._counter = 0
        self._pending = self._read_record()
        self._plain = b""
        self._offset = 0
        self._finished = False

    def readable(self) -> bool:
        return True

    def _read_record(self) -> bytes:
        parts, wanted = [], self._record_size
        while wanted:
            part = self._source.read(wanted)
            if not part:
                break
            parts.append(part)
            wanted -= len(part)
        return b"".join(parts)

    def _next_chunk(self) -> bool:
        if self._finished:
            return False
        record = self._pending
        # The last chunk is the one that nothing follows; it must say so in its nonce.
        following = self._read_record() if len(record) == self._record_size else b""
        last = not following
        try:
            self._plain = self._aead.decrypt(
                _nonce(self._prefix, self._counter, last), record, self._header
            )
        except InvalidTag:
            raise DamagedArchive(f"chunk {self._counter} does not authenticate") from None
        self._offset = 0
        self._counter += 1
        self._pending = following
        self._finished = last
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._offset >= len(self._plain):
            if not self._next_chunk():
                return 0
        size = min(len(buffer), len(self._plain) - self._offset)
        buffer[:size] = self._plain[self._offset : self._offset + size]
        self._offset += size
        return size
