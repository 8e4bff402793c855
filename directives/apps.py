from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Văn bản chỉ đạo và nhiệm vụ")

    def ready(self) -> None:
        from directives import audit
        from directives.choices import BUCKET_COLOURS, BUCKET_ORDER, Bucket
        from sonmai.lib import charts

        audit.connect()
        # The charts (a lower layer) draw the buckets in the order and colours given here.
        charts.use_palette(
            charts.Palette(
                order=BUCKET_ORDER,
                colours=BUCKET_COLOURS,
                done=BUCKET_COLOURS[Bucket.DONE_ON_TIME],
                in_progress=BUCKET_COLOURS[Bucket.IN_PROGRESS],
            )
        )
