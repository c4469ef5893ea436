"""Work gathered per transaction and handed over once it commits."""
from django.db import transaction


def on_commit_gathered(name: str, items: set, flush) -> None:
    """Hand `items` to `flush` once the current transaction commits (at once outside a transaction), together
    with all other items gathered under `name` in that transaction: one callback per transaction, not per call.
    A batch whose callback was dropped by a rollback is replaced, so rolled-back work is never flushed."""
    if not items:
        return
    connection = transaction.get_connection()
    batches = connection.__dict__.setdefault("_gathered_on_commit", {})
    batch = batches.get(name)
    # Django replaces its list of on-commit callbacks whenever it drops some (rollback, savepoint rollback) or
    # runs them (commit), so while the list is the one the batch was registered in, its callback is still there.
    # (Searching the list instead cost a scan per call: quadratic in a transaction that saves many tasks.)
    if batch is not None and not batch.flushed and batch.callbacks is connection.run_on_commit:
        batch.items.update(items)
        return
    batch = batches[name] = _Gathered(items, flush)
    transaction.on_commit(batch.run)
    batch.callbacks = connection.run_on_commit


def gathered_pending(name: str) -> bool:
    """Whether the current transaction has gathered items under `name` that wait for its commit."""
    connection = transaction.get_connection()
    batch = connection.__dict__.get("_gathered_on_commit", {}).get(name)
    return batch is not None and not batch.flushed and batch.callbacks is connection.run_on_commit


class _Gathered:
    def __init__(self, items: set, flush):
        self.items, self.flush, self.flushed, self.callbacks = items, flush, False, None

    def run(self):
        # Items gathered by a later on-commit callback (warnings_refresh touching rates) start a new batch.
        self.flushed = True
        self.flush(self.items)
