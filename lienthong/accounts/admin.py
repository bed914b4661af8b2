from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import services
from lienthong.accounts.models import LoginThrottle, Position, User
from lienthong.accounts.views import AdminLoginForm

# The admin site's own login goes through the same throttle as every other login.
admin.site.login_form = AdminLoginForm


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class LienThongUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Liên Thông", {"fields": ("full_name", "is_system_admin", "is_operator")}),)
    list_display = ["username", "full_name", "is_active", "is_system_admin", "is_operator"]
    search_fields = ["username", "full_name", "email"]
    inlines = [PositionInline]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Read-only view of the login back-offs; lifting one goes through the service (audit-logged)."""

    list_display = ["scope", "username", "key", "failures", "last_failure_at", "blocked_until", "locked_since"]
    list_filter = ["scope"]
    search_fields = ["username", "key"]
    readonly_fields = list_display + ["counting_since"]
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gỡ khóa đăng nhập"))
    def lift(self, request, queryset):
        for row in queryset:
            services.login_throttle_lift(actor=request.user, throttle_id=row.pk)
        messages.success(request, _("Đã gỡ khóa %(n)s mục.") % {"n": queryset.count()})
