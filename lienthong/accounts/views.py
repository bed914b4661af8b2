from django import forms
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import services


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = services.user_authenticate(
                    request=self.request, username=username, password=password, ip=client_ip(self.request))
            except services.LoginLocked as exc:
                raise forms.ValidationError(exc.message, code="locked")
            if self.user_cache is None:
                raise forms.ValidationError(_("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
