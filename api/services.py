"""Issuing and revoking API tokens. The plain key exists only in `token_issue`'s return value."""
import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from accounts.roles import is_region_admin, role_code_subquery, user_role_preset
from api.models import ApiToken
from core.errors import DomainError
from core.queries import PreparedLookup

# last_used_at is written at most this often per token, so a busy client costs no UPDATE per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_issuer(issuer, user) -> None:
    if issuer is None:  # the management command: whoever runs it has the server
        return
    if not is_region_admin(issuer):
        raise DomainError("只有巡察办管理员可以签发或吊销API令牌。", code=DomainError.PERMISSION_DENIED)
    if issuer.is_superuser:
        return
    from accounts.models import User

    if user.is_superuser or not User.objects.visible_to(issuer).filter(pk=user.pk).exists():
        raise DomainError("只能为本地区（含下辖地区）的普通用户签发或吊销令牌。", code=DomainError.PERMISSION_DENIED)


@transaction.atomic
def token_issue(*, user, name: str, issuer=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the plain key, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写客户端名称。")
    if not user.is_active:
        raise DomainError("该用户已停用，不能签发令牌。")
    _check_issuer(issuer, user)
    key = secrets.token_urlsafe(32)
    token = ApiToken(name=name[:100], user=user, key_hash=key_hash(key), key_prefix=key[:8], created_by=issuer)
    token.save()
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, revoker=None) -> ApiToken:
    """Revoke `token` at once (the next request with it answers 401). Revoking twice changes nothing."""
    _check_issuer(revoker, token.user)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), revoker
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


# key_hash is unique: one row, no ordering to build. The user's role comes in the same statement.
_token_by_hash = PreparedLookup(
    lambda hashed: ApiToken.objects.active().select_related("user__region").filter(key_hash=hashed)
    .annotate(user_role_code=role_code_subquery(OuterRef("user_id"))).order_by()[:1])


def token_authenticate(key: str) -> ApiToken | None:
    """The active token with this key (its user, region and role loaded), or None. One indexed SELECT."""
    token = _token_by_hash.first(key_hash(key))
    if token is None:
        return None
    user_role_preset(token.user, token.user_role_code)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
