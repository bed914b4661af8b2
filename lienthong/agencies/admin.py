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
    filter_horizontal = ["issuable_types"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "issuable_types":  # the 29 NĐ30 types need no authorisation
            from lienthong.documents.models import DocumentType, TypeKind

            kwargs["queryset"] = DocumentType.objects.filter(kind__in=[TypeKind.LEGAL, TypeKind.LEGACY])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.cleaned_data.get("issuable_types"):  # keep the default of a new agency
            from lienthong.agencies.services import default_issuable_type_codes
            from lienthong.documents.models import DocumentType

            obj = form.instance
            codes = default_issuable_type_codes(name=obj.name, level_rank=obj.level.rank, is_external=obj.is_external)
            obj.issuable_types.add(*DocumentType.objects.filter(code__in=codes))

    def save_model(self, request, obj, form, change):
        from lienthong.agencies.services import agency_save

        agency_save(agency=obj)
