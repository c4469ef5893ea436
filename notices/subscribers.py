"""What notices does when the domain announces an event (`core.events`); connected in `NoticesConfig.ready()`."""
from core import events
from notices import services

SUBSCRIPTIONS = {
    events.WARNINGS_CHANGED: services.notify_warnings_changed,
    events.TASK_CLOSED: services.notify_task_closed,
    events.TASK_SENT_BACK: services.notify_task_sent_back,
    events.EXTENSION_REQUESTED: services.notify_extension_requested,
    events.EXTENSION_DECIDED: services.notify_extension_decided,
    events.LEDGER_IMPORT_FINISHED: services.notify_ledger_import_finished,
    events.ARTICLE_PARSED: services.notify_article_parsed,
}


def subscribe_all() -> None:
    for event, handler in SUBSCRIPTIONS.items():
        events.subscribe(event, handler)
