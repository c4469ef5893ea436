from celery import shared_task

from ingest import services


@shared_task
def article_parse(article_id: int) -> str:
    """Extract one stored article; its status (and any error) is kept on the article."""
    return services.article_extract(article_id).status
