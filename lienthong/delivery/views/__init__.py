"""Delivery pages: the recipient's inbox (``inbox``) and the sender's tracking, recall and recipient lists
(``sender``). Each module ends with its ``urlpatterns``; ``delivery.urls`` joins them."""
