"""Draft pages."""

urlpatterns: list = []
