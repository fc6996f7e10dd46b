"""Deny by default: every page of the interface requires a signed-in user.

Django's ``LoginRequiredMiddleware`` redirects an anonymous visitor to the sign-in page (with
``?next=``) unless the view is marked ``login_not_required``: the explicit public exceptions are the
sign-in, sign-out and password-reset pages (``essaim/www/accounts/views.py``). A view added without
thinking about it is therefore closed, never open; ``tests/www/test_login_required.py`` walks every
URL of the interface to prove it.

The Django admin keeps its own gate: every admin view checks ``is_staff`` itself and sends an
anonymous visitor to the admin's own sign-in page, as before.
"""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "admin":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
