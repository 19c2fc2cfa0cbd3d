"""The back office's admin site: no staff user reaches an admin page without a verified MFA
device (django-otp). The login form takes email, password and a code (authenticator or
recovery code). Staff without a device can, after a correct password, only reach the
enrollment page: scan the secret, confirm it with a code, keep the recovery codes shown once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

from .lockout import login_attempt_succeeded
from .login import LoginStatus, login_authenticate
from .mfa import (
    mfa_has_device,
    mfa_recovery_codes_left,
    mfa_recovery_codes_regenerate,
    mfa_totp_begin,
    mfa_totp_confirm,
)
from .models import User

MFA_REQUIRED_MESSAGE = (
    "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
)
MFA_INVALID_MESSAGE = "That code is wrong or was already used."


class MFAAdminLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Verification code",
        required=False,
        max_length=64,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
        help_text="From your authenticator app, or a recovery code. Leave empty on your first "
        "login: you will set up the authenticator next.",
    )

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or password is None:
            return self.cleaned_data
        result = login_authenticate(
            request=self.request,
            email=email,
            password=password,
            otp=self.cleaned_data.get("otp_token") or "",
        )
        if result.status is LoginStatus.INVALID or result.user is None:
            raise self.get_invalid_login_error()
        user = result.user
        self.confirm_login_allowed(user)  # staff only, with the same message as a bad password
        if result.status is LoginStatus.MFA_REQUIRED:
            raise ValidationError(MFA_REQUIRED_MESSAGE, code="mfa_required")
        if result.status is LoginStatus.MFA_INVALID:
            raise ValidationError(MFA_INVALID_MESSAGE, code="mfa_invalid")
        if result.status is LoginStatus.ENROLLMENT_REQUIRED:
            login_attempt_succeeded(email=email)  # the session can only enroll a device
        if result.device is not None:
            user.otp_device = result.device  # type: ignore[attr-defined]  # django-otp login
        self.user_cache = user
        return self.cleaned_data


class EnrollmentForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def _needs_enrollment(request: HttpRequest) -> bool:
    user = request.user
    return (
        isinstance(user, User)
        and user.is_active
        and user.is_staff
        and not _is_verified(request)
        and not mfa_has_device(user=user)
    )


class StockroomAdminSite(AdminSite):
    login_form = MFAAdminLoginForm
    login_template = "admin/mfa_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_permission(request) and _is_verified(request))

    def _next(self, request: HttpRequest) -> str:
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET" and _needs_enrollment(request):
            enroll = reverse("admin:mfa_enroll", current_app=self.name)
            return HttpResponseRedirect(f"{enroll}?{REDIRECT_FIELD_NAME}={self._next(request)}")
        return super().login(request, extra_context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("mfa/enroll/", self.mfa_enroll_view, name="mfa_enroll"),
            path(
                "mfa/recovery-codes/",
                self.admin_view(self.mfa_recovery_codes_view),
                name="mfa_recovery_codes",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def mfa_enroll_view(self, request: HttpRequest) -> HttpResponse:
        """Only for a staff user who logged in with the right password and has no device yet."""
        if not _needs_enrollment(request):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        user = request.user
        assert isinstance(user, User)
        form = EnrollmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            confirmed = mfa_totp_confirm(user=user, code=form.cleaned_data["code"])
            if confirmed is not None:
                device, codes = confirmed
                otp_login(request, device)
                return self._recovery_codes_page(request, codes, self._next(request))
            form.add_error("code", MFA_INVALID_MESSAGE)
        enrollment = mfa_totp_begin(user=user)
        context = {
            **self.each_context(request),
            "title": "Set up two-factor authentication",
            "form": form,
            "secret": enrollment.secret,
            "uri": enrollment.uri,
            "next": self._next(request),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/mfa_enroll.html", context)

    def mfa_recovery_codes_view(self, request: HttpRequest) -> HttpResponse:
        """A verified staff user replaces their recovery codes (the old ones stop working)."""
        user = request.user
        assert isinstance(user, User)
        if request.method == "POST":
            codes = mfa_recovery_codes_regenerate(user=user)
            return self._recovery_codes_page(request, codes, reverse("admin:index"))
        context = {
            **self.each_context(request),
            "title": "Recovery codes",
            "codes_left": mfa_recovery_codes_left(user=user),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/mfa_recovery_codes.html", context)

    def _recovery_codes_page(
        self, request: HttpRequest, codes: list[str], next_url: str
    ) -> HttpResponse:
        context = {
            **self.each_context(request),
            "title": "Your recovery codes",
            "codes": codes,
            "next": next_url,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/mfa_recovery_codes.html", context)
