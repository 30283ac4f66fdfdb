"""How a delivery is signed, in one place: the task signs with it, the admin page and the
README explain it, the tests verify with it as a receiver would.

Signed material: the value of the `X-Intranet-Timestamp` header (seconds since 1970, as
ASCII digits), a full stop, then the raw request body, byte for byte. Signature:
`X-Intranet-Signature: sha256=<hex>` where `<hex>` is the HMAC-SHA256 of that material with
the webhook's secret (UTF-8) as the key. The timestamp is inside the signature so that a
receiver can refuse an old delivery replayed by whoever recorded it."""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

EVENT_HEADER: Final = "X-Intranet-Event"
DELIVERY_HEADER: Final = "X-Intranet-Delivery"
TIMESTAMP_HEADER: Final = "X-Intranet-Timestamp"
SIGNATURE_HEADER: Final = "X-Intranet-Signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Intranet-Signature` value for `body` sent at `timestamp`."""
    material = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def is_valid(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)
