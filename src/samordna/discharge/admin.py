"""The national daily amounts are edited by administrators: Socialstyrelsen publishes a new
amount every year (Förordning 2017:617), and each is stored with its source."""

from django.contrib import admin

from samordna.discharge.models import DailyAmount


@admin.register(DailyAmount)
class DailyAmountAdmin(admin.ModelAdmin[DailyAmount]):
    list_display = ["year", "amount_sek", "source"]
    ordering = ["-year"]
