"""Risk review verbs and the queries the risk screens share.

Every verb takes the acting user first, checks the business rules, raises
:class:`ServiceError` (with the form field it belongs to) when one is broken, writes its audit row
and flushes; the caller commits. Modules: ``situations`` (filter 2 creation, the table's
decision, agencies, conclusion), ``purge`` (what a rejected situation loses), ``identifiers``
(identifier warnings on the description) and ``identity``
(filter 4: encrypted identity and the audited reveal). Colleagues add one import line per
module below. Callers import from this package: ``from coalition.risk import services as risk``.
"""

from coalition.core.errors import ServiceError  # noqa: F401
from coalition.risk.services.agenda import record_discussion, situation_discussions  # noqa: F401
from coalition.risk.services.identifiers import summary_warnings  # noqa: F401
from coalition.risk.services.identity import (  # noqa: F401
    IDENTITY_FIELDS,
    decrypted_identity,
    identifier_warnings,
    reveal_identity,
    save_identity,
)
from coalition.risk.services.imports import (  # noqa: F401
    ImportRejected,
    ParseResult,
    dismiss_referral,
    import_incidents,
    log_referrals_read,
    parse_incident_csv,
    referral_query,
    referral_statement,
)
from coalition.risk.services.metrics import board_rows, log_board_read, table_metrics  # noqa: F401
from coalition.risk.services.outreach import record_attempt  # noqa: F401
from coalition.risk.services.purge import purge_rejected, purge_situation  # noqa: F401
from coalition.risk.services.situations import (  # noqa: F401
    conclude_situation,
    create_situation,
    decide_situation,
    decision_meetings,
    set_agencies,
    table_situations_query,
    update_situation,
)
