"""Errors a user can cause. Each carries a one-line cause and a one-line fix; the CLI prints both and exits 2."""


class SemspaceError(Exception):
    """Base of every user-facing error: `cause` says what is wrong, `fix` what to do about it."""

    def __init__(self, cause: str, fix: str = ""):
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause} {fix}".strip())

    def one_line(self) -> str:
        """The text the CLI prints: cause, then fix, on one line."""
        return f"{self.cause} Fix: {self.fix}" if self.fix else self.cause


class InvalidInputError(SemspaceError, ValueError):
    """An array or option the caller passed cannot be used (NaN hidden states, wrong shape, bad setting)."""


class DataFileError(SemspaceError):
    """A prompt or benchmark file is missing, unreadable, or its fields cannot be mapped."""


class ModelNotAvailableError(SemspaceError):
    """A model cannot be loaded here (not cached while offline, missing package, unknown name)."""


class RunExistsError(SemspaceError):
    """An output folder already holds a run; semspace never overwrites one."""


class RunLockedError(SemspaceError):
    """Another process is writing the run; a second writer would overwrite its shards."""


class CorruptShardError(SemspaceError):
    """A shard of a run is truncated, unreadable or does not match its manifest."""


class SchemaVersionError(SemspaceError):
    """A run was written by a newer semspace whose schema this version cannot read."""
