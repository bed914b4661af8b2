from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienthong.accounts import selectors, services
from lienthong.accounts.http import client_ip, known_device, remember_device
from lienthong.core.views import domain_errors_as_pages, forbidden

__all__ = ["client_ip"]  # the API resolves the client address the same way

INVALID_LOGIN = gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng.")
POSITION_NOT_HELD = gettext_lazy("Bạn không giữ vị trí công tác này.")


def throttled_authenticate(form, username: str, password: str):
    """``services.user_authenticate`` for a login form: a back-off becomes the form's error."""
    request = form.request
    try:
        return services.user_authenticate(request=request, username=username, password=password,
                                          ip=client_ip(request) if request is not None else None,
                                          device=known_device(request, username))
    except services.LoginLocked as exc:
        raise forms.ValidationError(exc.message, code="locked") from None


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=gettext_lazy("Mật khẩu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = throttled_authenticate(self, username, password)
            if self.user_cache is None:
                raise forms.ValidationError(str(INVALID_LOGIN), code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class AdminLoginForm(AdminAuthenticationForm):
    """The Django admin's login, throttled like every other login (``admin.site.login_form``)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = throttled_authenticate(self, username, password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_device(response, self.request, form.cleaned_data["username"])
        return response


# --- Sessions and tokens of the person asking ---------------------------------------------------------------

@login_required
def sessions(request):
    return render(request, "accounts/sessions.html", {
        "tokens": list(selectors.live_api_tokens(user=request.user)),
        "sessions": selectors.live_web_sessions(user=request.user, current_key=request.session.session_key),
    })


@require_POST
@domain_errors_as_pages
def token_revoke(request, token_id: int):
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("accounts:sessions")


@require_POST
@domain_errors_as_pages
def session_revoke(request, session_id: int):
    key = services.user_session_revoke(user=request.user, session_id=session_id)
    if key == request.session.session_key:
        logout(request)
        return redirect("accounts:login")
    messages.success(request, _("Đã kết thúc phiên đăng nhập."))
    return redirect("accounts:sessions")


# --- Login back-offs (system administrator) -----------------------------------------------------------------

@login_required
def lockouts(request):
    if not request.user.is_system_admin:
        return forbidden(request, _("Chỉ quản trị hệ thống được xem và gỡ khóa đăng nhập."))
    return render(request, "accounts/lockouts.html", {"rows": selectors.current_lockouts(),
                                                      "settings_max": settings.LOGIN_BACKOFF_MAX_SECONDS})


@require_POST
@domain_errors_as_pages
def lockout_lift(request, throttle_id: int):
    row = services.login_throttle_lift(actor=request.user, throttle_id=throttle_id)
    messages.success(request, _("Đã gỡ khóa đăng nhập: %(w)s") % {"w": row.username or row.key})
    return redirect("accounts:lockouts")


# --- The position a person with several works in now (issue 18) ------------------------------------------------

@login_required
@require_POST
def position_switch(request):
    """Choose the position whose menu and home page are shown (empty: all positions); back to the home page."""
    raw = request.POST.get("position", "").strip()
    if not raw:
        request.session.pop(selectors.CURRENT_POSITION_SESSION_KEY, None)
    else:
        position = selectors.current_position(user=request.user, position_id=int(raw) if raw.isdigit() else None)
        if position is None:
            messages.error(request, str(POSITION_NOT_HELD))
        else:
            request.session[selectors.CURRENT_POSITION_SESSION_KEY] = position.pk
    return redirect("documents:home")
