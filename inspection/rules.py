"""Rules of the inspection records. Plain Python: no database."""
from inspection.choices import LeadStatus

# A lead moves forward only: 待移交 → 已移交处置中 → 已办结 (a new lead may start at any of them).
LEAD_ORDER = [LeadStatus.PENDING, LeadStatus.TRANSFERRED, LeadStatus.CONCLUDED]


def lead_status_error(*, previous: str | None, status: str) -> str | None:
    """Why a lead may not go from `previous` (None for a new lead) to `status`; None when it may."""
    if previous is None or LEAD_ORDER.index(LeadStatus(status)) >= LEAD_ORDER.index(LeadStatus(previous)):
        return None
    return f"线索已是“{LeadStatus(previous).label}”，不能退回为“{LeadStatus(status).label}”。"
