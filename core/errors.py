"""The one application error type.

Services raise `DomainError` when a rule refuses an operation (wrong role, wrong state).
The message is in Chinese and meant for the user; `code` lets a page or the API choose the
response: `permission_denied` → 403, anything else → 400 (a form error on pages).
"""


class DomainError(Exception):
    PERMISSION_DENIED = "permission_denied"
    INVALID = "invalid"

    def __init__(self, message: str, *, code: str = INVALID):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def is_permission_denied(self) -> bool:
        return self.code == self.PERMISSION_DENIED
