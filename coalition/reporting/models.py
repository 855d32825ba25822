"""Report runs: a PDF asked for on the reporting screen, rendered off the request path.

The row keeps what was asked (report, table, period, audience), by whom, and how the rendering
went; the PDF itself is an owner-only file under ``REPORTS_DIR``, kept ``REPORT_KEEP_HOURS`` and
served to the person who asked for it only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, sql_in, utcnow
from coalition.core.models import User
from coalition.roster.models import CoalitionTable

RUN_STATUSES = {"queued": "Waiting to start", "running": "Being prepared", "done": "Ready",
                "failed": "Failed"}
AUDIENCE_CODES = ("public", "internal")


class ReportRun(db.Model):
    __tablename__ = "report_runs"
    __table_args__ = (
        CheckConstraint(sql_in("status", RUN_STATUSES), name="status"),
        CheckConstraint(sql_in("audience", AUDIENCE_CODES), name="audience"),
        CheckConstraint("period_end >= period_start", name="period"),
        Index("ix_report_runs_user_id_created_at", "user_id", "created_at"),
        {"sqlite_autoincrement": True},  # a forgotten run's number is never given again
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    report_key: Mapped[str] = mapped_column(String(40))
    report_title: Mapped[str] = mapped_column(String(120))
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"),
                                          index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(80))
    audience: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    pages: Mapped[int | None] = mapped_column()
    error: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    table: Mapped[CoalitionTable] = relationship()

    @property
    def status_label(self) -> str:
        return RUN_STATUSES[self.status]

    @property
    def is_pending(self) -> bool:
        return self.status in ("queued", "running")

    def __repr__(self) -> str:
        return f"<ReportRun {self.id} {self.report_key} {self.status}>"
