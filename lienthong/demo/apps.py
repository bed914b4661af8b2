from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models: the app only carries the demo builder and its management commands."""

    name = "lienthong.demo"
