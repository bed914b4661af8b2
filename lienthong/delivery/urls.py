"""Delivery pages: the recipient's inbox (views.inbox) and the sender's tracking (views.sender)."""

from lienthong.delivery.views import inbox, sender

app_name = "delivery"
urlpatterns = inbox.urlpatterns + sender.urlpatterns
