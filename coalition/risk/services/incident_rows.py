"""What reading an incident CSV produces: the valid rows, every line as the preview shows it,
file-level problems, and the refusal raised when anything is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from coalition.core.errors import ServiceError


@dataclass
class ParsedRow:
    """One valid line, ready to become an :class:`OutreachReferral`."""

    line: int
    agency: str
    incident_number: str
    occurred_at: datetime
    location: str
    is_fatal: bool
    naloxone_administered: bool
    naloxone_doses: int | None
    organization_id: int | None = None


@dataclass
class PreviewLine:
    """One line of the file as the preview shows it: the raw values and its problems."""

    line: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def is_valid(self) -> bool:
        return not self.problems


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def row_errors(self) -> dict[int, list[str]]:
        """Line number → the messages of that line, each naming its column."""
        return {line.line: [f"{column}: {message}" for column, message in line.problems]
                for line in self.lines if line.problems}

    @property
    def valid_count(self) -> int:
        return sum(1 for line in self.lines if line.is_valid)

    @property
    def invalid_count(self) -> int:
        return sum(1 for line in self.lines if not line.is_valid)

    @property
    def ok(self) -> bool:
        """Every line valid, at least one line, no file-level problem: ready to import."""
        return not self.file_errors and bool(self.rows) and self.invalid_count == 0


class ImportRejected(ServiceError):
    """The file (or one of its lines) is invalid; ``result`` says where. Nothing was saved."""

    def __init__(self, message: str, result: ParseResult):
        super().__init__(message, field="file")
        self.result = result
