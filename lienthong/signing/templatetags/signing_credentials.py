"""``{% credential_expiry_banner %}``: a warning on the home page when the person's certificate expires
within ``settings.SIGNING_CERT_EXPIRY_WARNING_DAYS`` days (one indexed query)."""

from django import template

from lienthong.signing import selectors

register = template.Library()


@register.inclusion_tag("signing/_expiry_banner.html", takes_context=True)
def credential_expiry_banner(context):
    user = context["request"].user
    credential = selectors.credential_for_user(user) if user.is_authenticated else None
    return {"credential": credential, "expires_in": selectors.expires_soon(credential), "link": True}
