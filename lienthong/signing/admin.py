"""Django admin for the signing tables: read-mostly views for system administrators. Credentials and the
trust store are changed through the pages (``/ky-so/``), whose services check what is uploaded."""

from django.contrib import admin

from lienthong.signing.models import Credential, RevocationList, TrustedCertificate


class _SystemAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request):
        return False  # uploads go through the pages (checks and encryption)


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(_SystemAdminOnly):
    list_display = ("subject", "kind", "not_after", "is_test", "active")
    list_filter = ("kind", "is_test", "active")
    search_fields = ("subject", "fingerprint")
    fields = ("kind", "subject", "issuer", "serial", "not_before", "not_after", "fingerprint", "crl_url",
              "is_test", "active")
    # is_test: marked on the trust store page, which also re-verifies the files it changes (QĐ 28/2018).
    readonly_fields = ("kind", "subject", "issuer", "serial", "not_before", "not_after", "fingerprint", "is_test")


@admin.register(RevocationList)
class RevocationListAdmin(_SystemAdminOnly):
    list_display = ("issuer", "this_update", "next_update")
    fields = ("issuer", "issuer_fingerprint", "this_update", "next_update")
    readonly_fields = fields


@admin.register(Credential)
class CredentialAdmin(_SystemAdminOnly):
    list_display = ("subject", "kind", "custody", "user", "agency", "not_after", "active")
    list_filter = ("kind", "custody", "active")
    search_fields = ("subject", "fingerprint", "user__username", "agency__name")
    list_select_related = ("user", "agency")
    fields = ("kind", "user", "agency", "custody", "subject", "issuer", "serial", "fingerprint", "not_before",
              "not_after", "pkcs11_token", "pkcs11_key", "image_width_mm", "active", "expiry_warned_at")
    readonly_fields = ("kind", "user", "agency", "custody", "subject", "issuer", "serial", "fingerprint",
                       "not_before", "not_after", "expiry_warned_at")
