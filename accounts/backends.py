from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every login that comes with a request.

    Every web login (the login page, the admin, DRF's session/basic authentication) passes
    its request and is throttled. A call without a request (`Client.login` in tests, the
    shell) has no client address to throttle and is let through to the next backend, which
    still checks the password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
