"""Delivery pages: the recipient's inbox (views_inbox) and the sender's tracking (views_sender)."""

from lienthong.delivery import views_inbox, views_sender

app_name = "delivery"
urlpatterns = views_inbox.urlpatterns + views_sender.urlpatterns
