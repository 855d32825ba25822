"""Meetings: agendas that fill themselves, attendance, attestations, minutes and decisions."""
