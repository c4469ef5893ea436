from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import demo_users_create
from ingest.demo import demo_articles_create
from inspection.demo import demo_build, demo_exists, demo_reset
from notices.demo import demo_notices_create, demo_notices_reset


class Command(BaseCommand):
    help = "生成演示数据：一个市及其所辖县区的巡察轮次、问题、线索和整改任务（同一 --seed 结果相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--tasks", type=int, default=2000, help="整改任务数（默认 2000）")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="以哪一天为“今天”（YYYY-MM-DD，默认今天）")
        parser.add_argument("--history-months", type=int, default=None,
                            help="趋势图用的逐月整改率快照月数（默认：2 万条任务以内 12 个月，以上不生成）")
        parser.add_argument("--reset", action="store_true", help="先清除已有的巡察数据（单位、轮次及其下的全部记录、整改率快照）再生成；"
                                 "用户、API令牌、审计日志和文章保留")

    def handle(self, *args, seed, tasks, today, reset, history_months, **options):
        if tasks < 1:
            raise CommandError("--tasks 必须是正整数。")
        if demo_exists():
            if not reset:
                self.stdout.write("已有巡察数据，未重新生成（如需重建请加 --reset）。")
                demo_users_create(stdout=self.stdout)
                demo_notices_create(today)
                demo_articles_create(today=today or timezone.localdate(), seed=seed, keep_existing=True)
                return
            demo_reset()
            demo_notices_reset()
        if history_months is not None and history_months < 0:
            raise CommandError("--history-months 不能为负数。")
        result = demo_build(seed=seed, tasks=tasks, today=today or timezone.localdate(), history_months=history_months)
        self.stdout.write(
            f"已生成：轮次 {result.rounds}，单位 {result.organizations}，巡察 {result.inspections}，"
            f"问题 {result.findings}，线索 {result.leads}，整改任务 {result.tasks}，延期 {result.extensions}，"
            f"回访督查 {result.visits}，预警 {result.warnings}。"
            f"用时：写入记录 {result.records_s:.1f} 秒，计算整改率快照 {result.snapshots_s:.1f} 秒（提交前）。"
        )
        demo_users_create(stdout=self.stdout)
        self.stdout.write(f"演示站内消息 {demo_notices_create(today)} 条：/notices/")
        # Reports about these records, through the ingest pipeline: the article pages have something to show.
        articles = demo_articles_create(today=today or timezone.localdate(), seed=seed)
        self.stdout.write(f"演示文章 {len(articles)} 篇（已解析，部分已审核）：/ingest/")
