"""`Authorization: Token <key>`: per-client API tokens. Every authenticated request is audited."""
from rest_framework import authentication, exceptions

from accounts.audit import audit_record_later
from accounts.choices import AuditAction
from api.services import token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: session authentication may still apply
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确，应为“Authorization: Token <令牌>”。")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("令牌格式不正确。") from None
        token = token_authenticate(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已被吊销。")
        # Written in batches off the request path (accounts.audit.token_use_log); details stay small (the path
        # without its query string).
        audit_record_later(user=token.user, action=AuditAction.API_TOKEN, request=request._request,
                           details={"token": token.pk, "method": request.method, "path": request.path[:200]})
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
