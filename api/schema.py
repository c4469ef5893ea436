"""OpenAPI generation: every field described, the error shape on every operation."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR_COMPONENT = {
    "type": "object",
    "description": "错误响应（所有接口统一格式）",
    "properties": {
        "error": {
            "type": "object",
            "description": "错误详情",
            "properties": {
                "code": {"type": "string", "description": "错误代码，例如 invalid、not_found、permission_denied"},
                "message": {"type": "string", "description": "中文错误说明"},
                "fields": {
                    "type": "object",
                    "description": "字段（或查询参数）→ 该字段的错误说明",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        },
    },
    "required": ["error"],
}
ERROR_RESPONSES = {
    "400": "请求参数或内容有误（fields 列出各字段的问题）",
    "401": "未登录，或API令牌无效、已吊销",
    "403": "无权执行该操作",
    "404": "对象不存在或不在您的权限范围内",
}


class ApiAutoSchema(AutoSchema):
    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # A field without help_text is described by its Chinese label (the model's verbose_name).
        if "description" not in meta and getattr(field, "label", None):
            meta["description"] = str(field.label)
        return meta

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
        return responses


# Descriptions of what drf-spectacular generates itself (path ids, pagination envelopes, `format`).
PARAMETER_DESCRIPTIONS = {
    "id": "编号",
    "code": "行政区划代码（6 位）",
    "format": "返回格式：json（默认）；csv 或 xlsx 导出全部筛选结果（不分页，中文表头）",
    "term": "届次",
}
ENVELOPE_DESCRIPTIONS = {"count": "总条数", "next": "下一页链接（没有时为 null）",
                         "previous": "上一页链接（没有时为 null）", "results": "本页数据"}


def describe_generated(result, generator, request, public):
    """Postprocessing hook: the `Error` schema, and descriptions for generated parameters and envelopes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_COMPONENT
    for name, schema in schemas.items():
        if name.startswith("Paginated"):
            for prop, description in ENVELOPE_DESCRIPTIONS.items():
                if prop in schema.get("properties", {}):
                    schema["properties"][prop].setdefault("description", description)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description") and parameter["name"] in PARAMETER_DESCRIPTIONS:
                    parameter["description"] = PARAMETER_DESCRIPTIONS[parameter["name"]]
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "API令牌：请求头 `Authorization: Token <令牌>`（由巡察办管理员签发）"}
