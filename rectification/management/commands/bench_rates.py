import json
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from rectification import rates
from rectification.models import RateSnapshot, RectificationTask
from rectification.rates import rates_place_keys, rates_recompute_all, rates_recompute_keys, rates_task_places

REUSE_TOLERANCE = 0.2  # seed_demo stops near, not at, the asked size: reuse a data set within ±20 %


def timed(action, repeat: int, *, before=None) -> float:
    """The median wall time of `repeat` runs of `action`, in seconds (`before` runs untimed first)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Command(BaseCommand):
    help = (
        "整改率计算基准（在当前配置的数据库上）：全量重算用时、同样汇总的单条 SQL 查询用时（下限）及二者之比、"
        "一个整改任务变化后的增量重算用时。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=None,
                            help="整改任务数：与现有数据相差超过 20%% 时用 seed_demo --reset 重新生成（默认沿用现有数据）")
        parser.add_argument("--repeat", type=int, default=3, help="每项重复次数，取中位数（默认 3）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以一个 JSON 对象输出")

    def handle(self, *args, tasks, repeat, as_json, **options):
        if repeat < 1:
            raise CommandError("--repeat 必须是正整数。")
        count = RectificationTask.objects.count()
        if tasks is not None and abs(count - tasks) > REUSE_TOLERANCE * tasks:
            call_command("seed_demo", tasks=tasks, reset=True, stdout=self.stderr)
            count = RectificationTask.objects.count()
        if not count:
            raise CommandError("数据库中没有整改任务，请加 --tasks N 生成演示数据。")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics for both the floor and the recompute
        today = timezone.localdate()

        floor = timed(lambda: rates.rates_fetch(day=today), repeat)

        def settle():
            # Autovacuum's work after each write, done before the next timing rather than during it (or during
            # whatever `make bench` measures next), so that every run starts from the same state.
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"VACUUM ANALYZE {RateSnapshot._meta.db_table}")

        def new_day():
            RateSnapshot.objects.filter(day=today).delete()
            settle()

        # The nightly run: a new day, every row inserted. Then the same day again: every row overwritten.
        full = timed(lambda: rates_recompute_all(today), repeat, before=new_day)
        rerun = timed(lambda: rates_recompute_all(today), repeat, before=settle)
        settle()
        task = RectificationTask.objects.exclude(status="closed").order_by("pk").first() or RectificationTask.objects.first()
        keys = rates_place_keys(rates_task_places([task.pk]))
        leaf_keys = {key for key in keys if key != "overall" and not key.startswith(("region:", "category:"))}

        def change_and_recompute(subset):
            # A change as a page makes it, then the drain's work for the scopes it touched.
            RectificationTask.objects.filter(pk=task.pk).update(progress_note=f"基准 {time.time()}")
            rates_recompute_keys(subset, today)

        incremental = timed(lambda: change_and_recompute(keys), repeat)
        leaf = timed(lambda: change_and_recompute(leaf_keys), repeat)
        settle()
        figures = {
            "database": connection.vendor, "tasks": count,
            "scopes": RateSnapshot.objects.filter(day=today).count(),
            "floor_s": round(floor, 3), "full_s": round(full, 3), "ratio": round(full / floor, 2),
            "full_same_day_s": round(rerun, 3),
            "incremental_ms": round(incremental * 1000, 1), "incremental_keys": len(keys),
            "incremental_round_org_ms": round(leaf * 1000, 1),
        }
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        rows = [
            ("数据库", figures["database"]), ("整改任务数", f"{count:,}"), ("统计范围（快照行）", f"{figures['scopes']:,}"),
            ("单条 SQL 汇总（下限）", f"{figures['floor_s']} s"), ("全量重算（含写入）", f"{figures['full_s']} s"),
            ("全量 / 下限", f"{figures['ratio']}×"), ("同日再次全量重算（覆盖）", f"{figures['full_same_day_s']} s"),
            (f"增量重算（一个任务，{len(keys)} 个范围）", f"{figures['incremental_ms']} ms"),
            ("其中只含轮次、单位两类范围", f"{figures['incremental_round_org_ms']} ms"),
        ]
        for label, value in rows:
            self.stdout.write(f"{label}：{value}")
