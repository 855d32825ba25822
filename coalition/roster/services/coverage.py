"""Sector coverage: which standard sectors sit at each table, and which are missing."""

from __future__ import annotations

from sqlalchemy import func, select

from coalition.core.kept import kept
from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.roster.models import Organization, TableMembership
from coalition.roster.services.tables import visible_tables


def standard_sectors() -> list[VocabTerm]:
    """The sectors a table is expected to cover: standard, active, and not the catch-all."""
    return list(db.session.scalars(
        select(VocabTerm)
        .where(VocabTerm.vocabulary == "sector", VocabTerm.is_standard.is_(True),
               VocabTerm.is_active.is_(True), VocabTerm.code != "other")
        .order_by(VocabTerm.position, VocabTerm.label)
    ))


def table_coverage(memberships: list[TableMembership]) -> dict:
    """Sectors represented at a table (with the organizations seated for each) and the standard
    sectors missing. Only active organizations count."""
    represented: dict[int, dict] = {}
    for membership in memberships:
        org = membership.organization
        if not org.is_active:
            continue
        entry = represented.setdefault(org.sector_id, {"sector": org.sector.label,
                                                       "organizations": set()})
        entry["organizations"].add(org.name)
    sectors = standard_sectors()
    return {
        "represented": sorted(
            ({"sector": entry["sector"], "organizations": sorted(entry["organizations"])}
             for entry in represented.values()),
            key=lambda entry: entry["sector"]),
        "missing": [sector.label for sector in sectors if sector.id not in represented],
    }


def _seated_sector_counts(table_ids) -> dict[tuple[int, int], int]:
    """(table id, sector id) → how many active organizations of that sector sit at the table."""
    if not table_ids:
        return {}
    rows = db.session.execute(
        select(TableMembership.table_id, Organization.sector_id,
               func.count(func.distinct(Organization.id)))
        .join(Organization, Organization.id == TableMembership.organization_id)
        .where(TableMembership.table_id.in_(table_ids), Organization.is_active.is_(True))
        .group_by(TableMembership.table_id, Organization.sector_id)
    )
    return {(table_id, sector_id): count for table_id, sector_id, count in rows}


def table_summaries(tables) -> dict[int, dict]:
    """Per table id: member count and how many standard sectors are missing (three queries,
    none while the data is unchanged: roster figures, kept per data generation for these
    tables, whoever asks)."""
    ids = tuple(table.id for table in tables)
    summaries = kept("roster.table_summaries", ids, lambda: _table_summaries(ids))
    return {table_id: dict(summary) for table_id, summary in summaries.items()}


def _table_summaries(ids) -> dict[int, dict]:
    members = dict(db.session.execute(
        select(TableMembership.table_id, func.count(TableMembership.id))
        .where(TableMembership.table_id.in_(ids or [-1]))
        .group_by(TableMembership.table_id)
    ).all())
    sector_ids = {sector.id for sector in standard_sectors()}
    counts = _seated_sector_counts(ids)
    return {
        table_id: {
            "members": members.get(table_id, 0),
            "missing": sum(1 for sector_id in sector_ids if (table_id, sector_id) not in counts),
        }
        for table_id in ids
    }


def coverage_matrix(viewer) -> dict:
    """Standard sectors × the active tables ``viewer`` may see: seated organizations per cell.

    Three queries whatever the size of the roster (tables, sectors, one grouped count).
    """
    tables = visible_tables(viewer, active_only=True)
    sectors = standard_sectors()
    counts = _seated_sector_counts([table.id for table in tables])
    rows = [
        {"sector": sector.label,
         "cells": [counts.get((table.id, sector.id), 0) for table in tables]}
        for sector in sectors
    ]
    missing = [sum(1 for sector in sectors if (table.id, sector.id) not in counts)
               for table in tables]
    return {"tables": tables, "rows": rows, "missing": missing}
