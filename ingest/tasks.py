from celery import shared_task

from ingest import services


# The engine needs ~1 s for the longest article accepted (INGEST_MAX_CHARS); the limits stop a pathological one.
@shared_task(soft_time_limit=120, time_limit=150)
def article_parse(article_id: int) -> str | None:
    """Extract one stored article; its status (and any error) is kept on the article."""
    article = services.article_parse_queued(article_id)
    return article.status if article else None


@shared_task(soft_time_limit=60, time_limit=90)
def articles_sweep() -> dict:
    """Every minute (beat): resend queued articles, fail stuck ones with the reason."""
    return services.articles_sweep()
