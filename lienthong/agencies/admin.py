from django.contrib import admin

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.services import add_default_issuable_types, agency_save
from lienthong.core.choices import TypeKind

admin.site.register(AdministrativeLevel)
admin.site.register(AgencyGroup)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "identifier_code", "level", "group", "is_external", "is_active"]
    list_filter = ["level", "group", "is_external", "is_active"]
    search_fields = ["name", "short_name", "abbreviation", "identifier_code"]
    raw_id_fields = ["parent"]
    filter_horizontal = ["issuable_types"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "issuable_types":  # the 29 NĐ30 types need no authorisation
            kwargs["queryset"] = db_field.related_model.objects.filter(kind__in=[TypeKind.LEGAL, TypeKind.LEGACY])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.cleaned_data.get("issuable_types"):  # keep the default of a new agency
            add_default_issuable_types(agency=form.instance)

    def save_model(self, request, obj, form, change):
        agency_save(agency=obj)
