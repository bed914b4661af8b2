"""Delivery pages."""

urlpatterns: list = []
