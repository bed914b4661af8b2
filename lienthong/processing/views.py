"""Processing pages."""

urlpatterns: list = []
