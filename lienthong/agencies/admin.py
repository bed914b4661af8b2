from django.contrib import admin

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup

admin.site.register(AdministrativeLevel)
admin.site.register(AgencyGroup)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "identifier_code", "level", "group", "is_external", "is_active"]
    list_filter = ["level", "group", "is_external", "is_active"]
    search_fields = ["name", "short_name", "abbreviation", "identifier_code"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        from lienthong.agencies.services import agency_save

        agency_save(agency=obj)
