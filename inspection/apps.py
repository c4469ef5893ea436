from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = "巡察"

    def ready(self):
        from core.filters import regions_by_code

        # The filters' copy of regions by code is this process's; a changed region is read again.
        region = self.get_model("Region")
        post_save.connect(regions_by_code.clear, sender=region, dispatch_uid="regions-by-code-saved")
        post_delete.connect(regions_by_code.clear, sender=region, dispatch_uid="regions-by-code-deleted")
