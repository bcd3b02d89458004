from django.apps import AppConfig


class BenchdataConfig(AppConfig):
    name = "mutu.benchdata"
    verbose_name = "Data sintetis untuk benchmark"
