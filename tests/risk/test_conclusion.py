"""Concluding an accepted situation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.risk import services as risk


def _conclude(setting, situation, **fields):
    values = {"concluded_on": local_today(), "risk_status": "lowered", "outcome": "connected"}
    values.update(fields)
    risk.conclude_situation(setting.harm_user, situation, **values)


def test_an_accepted_situation_is_concluded(risk_setting, accepted_situation):
    _conclude(risk_setting, accepted_situation, note="Started MOUD.")
    db.session.commit()
    assert (accepted_situation.status, accepted_situation.outcome) == ("concluded", "connected")


def test_a_new_situation_cannot_be_concluded(risk_setting, new_situation):
    with pytest.raises(ServiceError):
        _conclude(risk_setting, new_situation)


def test_the_conclusion_cannot_be_in_the_future(risk_setting, accepted_situation):
    with pytest.raises(ServiceError) as error:
        _conclude(risk_setting, accepted_situation, concluded_on=local_today() + timedelta(2))
    assert error.value.field == "concluded_on"


def test_the_conclusion_cannot_precede_acceptance(risk_setting, accepted_situation):
    with pytest.raises(ServiceError) as error:
        _conclude(risk_setting, accepted_situation, concluded_on=local_today() - timedelta(5))
    assert error.value.field == "concluded_on"


def test_the_outcome_must_come_from_the_list(risk_setting, accepted_situation):
    with pytest.raises(ServiceError) as error:
        _conclude(risk_setting, accepted_situation, outcome="vanished")
    assert error.value.field == "outcome"
