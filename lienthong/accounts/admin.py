from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from lienthong.accounts.models import Position, User


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class LienThongUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Liên Thông", {"fields": ("full_name", "is_system_admin")}),)
    list_display = ["username", "full_name", "is_active", "is_system_admin"]
    search_fields = ["username", "full_name", "email"]
    inlines = [PositionInline]
