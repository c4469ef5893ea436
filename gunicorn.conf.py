"""gunicorn's settings (read from the working directory by every `gunicorn` started in the project: the
container, docker compose, `make bench`, the tests). Workers, bind and the rest stay on the command line."""
import gc
import sys


def post_worker_init(worker):
    # Everything loaded at start-up (Django, the URLconf, templates, modules) is moved out of the cyclic
    # garbage collector's reach: a full collection then walks only what requests create, instead of
    # pausing a request for ~60 ms every few hundred requests.
    gc.freeze()


def worker_exit(server, worker):
    # API token uses gathered since the last batch are written before the worker goes (accounts.audit); a worker
    # that never loaded the application has none.
    audit = sys.modules.get("accounts.audit")
    if audit is not None:
        audit.token_use_log.flush()
