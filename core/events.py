"""Domain events: a service announces what happened; apps higher up (notices) subscribe in their
`AppConfig.ready()`. So a lower app tells people without importing the app that tells them.

Handlers run at once, inside the emitter's transaction: what they write (notices) commits or rolls back
with the change itself. Whatever must wait for the commit (mail) the handler schedules on commit.
"""
from collections import defaultdict

_handlers: dict[str, list] = defaultdict(list)

# The events the domain emits, with their payloads (keyword arguments).
WARNINGS_CHANGED = "warnings_changed"  # issued_ids, lifted_ids: TaskWarning ids
TASK_CLOSED = "task_closed"  # task, by
TASK_SENT_BACK = "task_sent_back"  # task, by, opinion (退回)
EXTENSION_REQUESTED = "extension_requested"  # extension
EXTENSION_DECIDED = "extension_decided"  # extension (approved or rejected)
LEDGER_IMPORT_FINISHED = "ledger_import_finished"  # ledger_import (succeeded or failed)
ARTICLE_PARSED = "article_parsed"  # article (parsed or failed)


def subscribe(event: str, handler) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def emit(event: str, **payload) -> None:
    for handler in _handlers[event]:
        handler(**payload)
