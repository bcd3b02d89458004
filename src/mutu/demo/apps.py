from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mutu.demo"
    verbose_name = "Demo"
