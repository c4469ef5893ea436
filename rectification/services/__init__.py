"""Every write of rectification data, one module per job: `task` (a task's life), `extension` (延期), `warning`
(warnings); the rates recompute lives in `rectification.rates`."""
from rectification.services.extension import (
    extension_approve,
    extension_decide_check,
    extension_reject,
    extension_request,
)
from rectification.services.task import (
    UNIT_SETTABLE_STATUSES,
    may_review,
    task_apply_schedule,
    task_close,
    task_close_check,
    task_create,
    task_report_progress,
    task_review_check,
    task_save,
    task_schedule,
    task_send_back,
    tasks_place_sync,
    tasks_save_many,
)
from rectification.services.warning import (
    warning_thresholds,
    warnings_refresh,
    warnings_refresh_pending,
    warnings_sweep,
    warnings_touch,
)

__all__ = [
    "UNIT_SETTABLE_STATUSES",
    "extension_approve",
    "extension_decide_check",
    "extension_reject",
    "extension_request",
    "may_review",
    "task_apply_schedule",
    "task_close",
    "task_close_check",
    "task_create",
    "task_report_progress",
    "task_review_check",
    "task_save",
    "task_schedule",
    "task_send_back",
    "tasks_place_sync",
    "tasks_save_many",
    "warning_thresholds",
    "warnings_refresh",
    "warnings_refresh_pending",
    "warnings_sweep",
    "warnings_touch",
]
