"""Throughput of the engine, for the bench_extract command."""
import time


def benchmark(texts, min_bytes: int = 5 * 1024 * 1024) -> dict:
    """Extract from `texts`, repeated until at least `min_bytes` of UTF-8, on one core.

    Start-up (imports, dictionaries, first parses) is excluded by one untimed pass.
    `seconds` is the CPU time of this process, so other load on the machine does not
    count against the engine.
    """
    from .engine import extract

    texts = [t for t in texts if t]
    if not texts:
        raise ValueError("benchmark needs at least one non-empty text")
    sizes = [len(t.encode("utf-8")) for t in texts]
    for text in texts:
        extract(text)
    batch, total = [], 0
    while total < min_bytes:
        for text, size in zip(texts, sizes):
            batch.append(text)
            total += size
    started = time.process_time()
    for text in batch:
        extract(text)
    seconds = time.process_time() - started
    mb = total / (1024 * 1024)
    return {"articles": len(batch), "mb": round(mb, 3), "seconds": round(seconds, 3),
            "articles_per_s": round(len(batch) / seconds, 1), "mb_per_s": round(mb / seconds, 3)}
