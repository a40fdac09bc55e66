"""Store URLs in messages and logs: what may be shown of them."""

from urllib.parse import urlsplit


def redact(url: str) -> str:
    """``url`` with any password or token replaced by ``***``, for messages and logs.

    Examples
    --------
    >>> redact("influxdb://admin:s3cret@db:8086/carewatch?token=abc")
    'influxdb://admin:***@db:8086/carewatch?token=***'
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = "&".join(
        f"{k}=***" if k == "token" else f"{k}={v}"
        for k, _, v in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return parts._replace(netloc=netloc, query=query).geturl()
