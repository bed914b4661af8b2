from django.apps import AppConfig


class WebConfig(AppConfig):
    # No models, so the admin never shows the app: no verbose name to translate.
    name = "lienthong.web"
