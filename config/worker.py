"""The worker's consumer, with a workaround for a crash of celery 5.7 / kombu 5.7 on a broker blip.

When the connection to Redis is lost, celery 5.7's `Consumer.on_connection_error_after_connected` closes the
broken connection through `kombu.common.ignore_errors`, which only ignores connection errors. Closing the Redis
channel restores its unacknowledged messages (a countdown/ETA task the worker holds, e.g. the debounced
`rates_drain`) after the channel has dropped its connection pool, so kombu builds a new pool from a transport
whose client is already None: `AttributeError: 'NoneType' object has no attribute 'hostname'`, which celery
treats as unrecoverable and the worker exits (reproduced by tests/faults/test_worker_broker_blip.py). celery
5.6 wrapped the same step in `except Exception`. Here the connection is closed first, any error logged and
ignored, and then celery's own handling runs. A message kombu could not restore stays in Redis's unacked set
(restored after the visibility timeout), and the work it stood for is recorded in PostgreSQL anyway (swept
every minute).
"""
import logging

from celery.worker.consumer import Consumer

logger = logging.getLogger(__name__)


class BrokerLossConsumer(Consumer):
    def on_connection_error_after_connected(self, exc):
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception as error:
                logger.warning("broker connection lost; closing it failed (%r), reconnecting anyway", error)
        super().on_connection_error_after_connected(exc)
