"""Where a staff button may send the browser back to."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash
    (``/\\t/evil.com`` is ``//evil.com``), so those are refused before the split.
    """
    if not target or "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target
