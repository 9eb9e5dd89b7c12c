"""One error tree for the whole newsroom.

    ZaowanError
    ├── ConfigError            bad or missing configuration (names the key)
    ├── SourceError            a source could not be read (recorded per source, run goes on)
    │   ├── BlockedAddressError    SSRF guard refused a URL or a resolved address
    │   ├── FetchError             HTTP/transport failure, size cap, redirect loop
    │   └── ParseError             malformed feed/page/file
    ├── ProviderError          a model provider failed (router falls back)
    │   ├── MissingKeyError        names the env var to set
    │   ├── TruncatedOutputError   finish_reason=length or cut JSON
    │   └── InvalidOutputError     output did not validate against the agent's schema
    ├── StageError             a pipeline stage could not produce its records
    ├── VoiceError             every TTS engine in a chain failed for a segment
    ├── AudioError             mastering/encoding failed or audio QA rejected the result
    └── PublishError           feed/site could not be written

The CLI shows any ZaowanError as one clear line; anything else is a bug and keeps its traceback.
"""
from __future__ import annotations


class ZaowanError(Exception):
    """Base of every error zaowan raises on purpose."""


class ConfigError(ZaowanError):
    pass


class SourceError(ZaowanError):
    """A source failed; `reason` is a short machine code, the message is for humans."""

    reason = "source_error"

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        if reason:
            self.reason = reason


class BlockedAddressError(SourceError):
    reason = "blocked_address"


class FetchError(SourceError):
    reason = "fetch_failed"


class ParseError(SourceError):
    reason = "parse_failed"


class ProviderError(ZaowanError):
    """A provider call failed. `retryable` tells the router whether trying again may help."""

    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None, status: int | None = None):
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable
        self.status = status


class MissingKeyError(ProviderError):
    def __init__(self, provider: str, env_var: str):
        super().__init__(f"provider {provider!r} needs an API key: set the environment variable {env_var}")
        self.env_var = env_var


class TruncatedOutputError(ProviderError):
    pass


class InvalidOutputError(ProviderError):
    pass


class StageError(ZaowanError):
    pass


class VoiceError(ZaowanError):
    pass


class AudioError(ZaowanError):
    pass


class PublishError(ZaowanError):
    pass
