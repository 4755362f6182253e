"""Error types that decide retry vs acknowledge (DESIGN §5.3): raise to retry, return to acknowledge."""


class InvalidEvent(Exception):
    """Malformed or unsigned input that no retry can fix. Events: logged and acknowledged;
    HTTP: `status` and `code` become the 4xx JSON error."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalid_event"):
        super().__init__(message)
        self.status = status
        self.code = code


class PermanentError(Exception):
    """Well-formed but can never succeed (unknown employee, Slack channel gone).
    Entry points log it with the event id and acknowledge."""


class TransientError(Exception):
    """Worth retrying (rate limit still hit, Slack unavailable). Entry points re-raise it."""


class UnusableRecord(PermanentError):
    """A stored document that cannot be read as its record (a field missing or of the wrong
    type). Permanent: logged with its path and skipped, never retried, never blocking a batch."""
