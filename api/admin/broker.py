"""Gateway broker accounts in Mosquitto's own files (decision D96).

A gateway's account is a ``passwd`` line in ``mosquitto_passwd``'s format and an ACL block
exactly as ``deploy/mosquitto/add-gateway.sh`` writes it (so ``remove-gateway.sh`` revokes
either), appended under an exclusive lock so the API and the command line never interleave.
Appending keeps the files' owner, group and mode. Mosquitto re-reads them on SIGHUP: the
systemd path unit of docs/deployment.md does that whenever ``passwd`` changes.
"""

import base64
import fcntl
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

ITERATIONS = 101  # mosquitto_passwd 2.0's own choice; the password is 192 random bits
SERVICE_ACCOUNTS = ("ingest", "api")


def new_password() -> str:
    """A fresh broker password: 32 URL-safe characters (192 random bits)."""
    return secrets.token_urlsafe(24)


def mosquitto_hash(password: str, salt: bytes | None = None) -> str:
    """``password`` in Mosquitto 2's ``$7$`` form (PBKDF2-SHA512), as ``mosquitto_passwd``.

    The same salt gives the line ``mosquitto_passwd -b`` wrote for this password:

    >>> mosquitto_hash("secretpassword123", base64.b64decode("Z9bvyeMk9vSZ+l+P"))[:41]
    '$7$101$Z9bvyeMk9vSZ+l+P$EpHpLkjN1/gaLmWJz'
    """
    salt = secrets.token_bytes(12) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
    encoded = (base64.b64encode(part).decode() for part in (salt, digest))
    return f"$7${ITERATIONS}${'$'.join(encoded)}"


def acl_block(home: str, gateway: str) -> str:
    """The ACL lines for one gateway: its own home's topics only (docs/deployment.md)."""
    return (
        f"\n# gateway {gateway} of home {home}\nuser {gateway}\n"
        f"topic write carewatch/v1/{home}/{gateway}/readings\n"
        f"topic write carewatch/v1/{home}/{gateway}/status\n"
        f"topic read carewatch/v1/{home}/{gateway}/acks\n"
    )


def is_service_account(name: str) -> bool:
    """``ingest``, ``api`` and ingest workers' ``ingest-…`` are not gateway ids."""
    return name in SERVICE_ACCOUNTS or name.startswith("ingest-")


@dataclass(frozen=True)
class BrokerFiles:
    """Mosquitto's ``password_file`` and ``acl_file`` (``CAREWATCH_API_BROKER_*_FILE``)."""

    passwd: Path
    acl: Path

    def has_account(self, username: str) -> bool:
        """Whether either file already knows ``username``."""
        passwd = self.passwd.read_text(encoding="utf-8").splitlines()
        acl = self.acl.read_text(encoding="utf-8").splitlines()
        return any(line.split(":", 1)[0] == username for line in passwd) or (
            f"user {username}" in acl
        )

    def add_gateway(self, home: str, gateway: str, password_hash: str) -> bool:
        """Append the account and its ACL block; ``False`` if the account exists already."""
        with self.passwd.open("r+", encoding="utf-8") as passwd:
            fcntl.flock(passwd, fcntl.LOCK_EX)  # released when the file closes
            if self.has_account(gateway):
                return False
            _append(self.acl, acl_block(home, gateway))
            _append(self.passwd, f"{gateway}:{password_hash}\n")  # last: it triggers the reload
        return True

    def remove_gateway(self, gateway: str) -> bool:
        """Delete the account and its ACL block; ``False`` if neither file had it."""
        with self.passwd.open("r+", encoding="utf-8") as passwd:
            fcntl.flock(passwd, fcntl.LOCK_EX)
            lines = passwd.read().splitlines(keepends=True)
            kept = [line for line in lines if line.split(":", 1)[0] != gateway]
            acl = self.acl.read_text(encoding="utf-8")
            trimmed = _without_block(acl, gateway)
            if trimmed != acl:
                _rewrite(self.acl, trimmed)
            if kept != lines:
                _rewrite(self.passwd, "".join(kept))
        return kept != lines or trimmed != acl


def _without_block(acl: str, gateway: str) -> str:
    """``acl`` without the block :func:`acl_block` wrote (as remove-gateway.sh's awk).

    >>> _without_block("user api\\n" + acl_block("h-1", "gw-1") + "\\nuser gw-2\\n", "gw-1")
    'user api\\n\\n\\nuser gw-2\\n'
    """
    out, skipping = [], False
    for line in acl.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if bare.startswith(f"# gateway {gateway} of home "):
            skipping = True
            continue
        if skipping and (bare == f"user {gateway}" or bare.startswith("topic ")):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def _rewrite(path: Path, text: str) -> None:
    with path.open("r+", encoding="utf-8") as file:  # in place: keeps owner and mode
        file.write(text)
        file.truncate()
        file.flush()


def _append(path: Path, text: str) -> None:
    with path.open("a+b") as file:
        file.seek(0, 2)
        if file.tell():
            file.seek(-1, 2)
            if file.read(1) != b"\n":
                file.write(b"\n")
        file.write(text.encode())
        file.flush()
