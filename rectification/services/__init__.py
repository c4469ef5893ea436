"""Every write of rectification data, one module per job: `task` (a task's life and its extensions), `warning`
(warnings); the rates recompute lives in `rectification.rates`."""
from rectification.services.task import (
    UNIT_SETTABLE_STATUSES,
    extension_approve,
    task_apply_schedule,
    task_close,
    task_close_check,
    task_create,
    task_report_progress,
    task_save,
    task_schedule,
    tasks_place_sync,
    tasks_save_many,
)
from rectification.services.warning import warning_thresholds, warnings_refresh, warnings_touch

__all__ = [
    "UNIT_SETTABLE_STATUSES", "extension_approve", "task_apply_schedule", "task_close", "task_close_check",
    "task_create", "task_report_progress", "task_save", "task_schedule", "tasks_place_sync",
    "tasks_save_many",
    "warning_thresholds", "warnings_refresh", "warnings_touch",
]
