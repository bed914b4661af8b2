"""Deliveries and saved recipient lists in the admin.

Deliveries are read-only (their states move only through the services, which write the QCVN 102
events the sender sees). Recipient lists shared by every agency (no agency) are kept here by system
administrators through ``recipient_list_save``; an agency's own lists are kept on its page
"Danh sách nơi nhận" by its văn thư and leaders, and are only shown here.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lienthong.agencies.models import Agency
from lienthong.delivery import services
from lienthong.delivery.models import Delivery, DeliveryEvent, OutboxMessage, RecipientList


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    can_delete = False
    fields = ["at", "code", "kind", "actor", "actor_name", "description", "reply"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["document", "sender_agency", "recipient_agency", "state", "recall_state", "sent_at", "updated_at"]
    list_filter = ["state", "recall_state", "is_urgent"]
    list_select_related = ["document", "sender_agency", "recipient_agency"]
    raw_id_fields = ["document", "incoming_document", "sender_agency", "recipient_agency"]
    inlines = [DeliveryEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["delivery", "state", "attempts", "created_at"]
    list_filter = ["state"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SharedListForm(forms.ModelForm):
    class Meta:
        model = RecipientList
        fields = ["name", "members"]

    def clean_members(self):
        members = self.cleaned_data["members"]
        if not members:
            raise forms.ValidationError(_("Danh sách cần ít nhất một cơ quan."))
        return members


@admin.register(RecipientList)
class RecipientListAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "size"]
    list_filter = [("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    form = SharedListForm
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("agency").annotate(member_count=Count("members"))

    @admin.display(description=_("số cơ quan"), ordering="member_count")
    def size(self, obj):
        return obj.member_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = Agency.objects.filter(is_active=True).order_by("path")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _is_system_admin(self, request):
        return bool(getattr(request.user, "is_system_admin", False))

    def has_add_permission(self, request):
        return self._is_system_admin(request)

    def has_change_permission(self, request, obj=None):
        # Shared lists only: an agency's own list belongs to that agency's page.
        return self._is_system_admin(request) and (obj is None or obj.agency_id is None)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff)

    def save_model(self, request, obj, form, change):
        pass  # saved with its members in save_related, through the service

    def save_related(self, request, form, formsets, change):
        saved = services.recipient_list_save(
            actor=request.user, agency_id=None, name=form.cleaned_data["name"],
            member_ids=[a.pk for a in form.cleaned_data["members"]], list_id=form.instance.pk if change else None)
        form.instance.pk = saved.pk
