from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "mutu.ops"
    verbose_name = "Operasi / Operations"
