"""JSON for every API answer, written by orjson: the same content as DRF's JSONRenderer, several times faster.

orjson writes str, int, float, bool, None, lists and dicts (and their subclasses: DRF's ReturnDict, ErrorDetail)
itself; everything else — Decimal, datetime (DRF writes UTC as `Z`), date, lazy strings, querysets — goes
through DRF's own encoder, so no value is written differently. `; indent=N` in Accept still pretty-prints.
"""
import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_drf_default = JSONEncoder().default


def dumps(data) -> bytes:
    """`data` in JSON as the renderer writes it (before the U+2028/U+2029 escapes); `orjson.Fragment`s, JSON
    written elsewhere (`api.rows`), go in as they are."""
    return orjson.dumps(data, default=_drf_default, option=OPTIONS)


class ORJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            # Pretty-printed by DRF's renderer, which cannot take fragments: the same content read back first.
            return super().render(orjson.loads(dumps(data)), accepted_media_type, renderer_context)
        # DRF escapes U+2028/U+2029 (JSON that is also JavaScript); orjson writes them as they are.
        body = dumps(data)
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
        return body
