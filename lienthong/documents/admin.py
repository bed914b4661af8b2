from django.contrib import admin

from lienthong.documents.models import DocumentType, Register


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "kind", "is_nd30", "is_active", "order"]
    list_filter = ["kind", "is_nd30", "is_active"]


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "year", "direction", "is_secret", "last_number"]
    list_filter = ["year", "direction", "is_secret"]
    readonly_fields = ["last_number"]
    raw_id_fields = ["agency"]
    filter_horizontal = ["document_types"]
