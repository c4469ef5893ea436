"""Believable demo data: a city (or, for large sizes, a province) with its counties.

Deterministic for a given seed and anchor day. Rows are built as plain tuples and written in
batches (COPY on PostgreSQL), so that a million tasks fit in memory and in a couple of minutes.
"""
import functools
import io
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter as timer

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from inspection.choices import FindingCategory, LeadRecipient, LeadStatus, OrganizationKind, RoundKind, Severity
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.services import regions_load
from rectification import rules
from rectification.choices import ExtensionStatus, TaskStatus, VisitRating
from rectification.models import (
    DeadlineExtension,
    EvidenceFile,
    FollowUpVisit,
    PendingWarningRefresh,
    ProgressRecord,
    RateSnapshot,
    RectificationTask,
    TaskWarning,
)
from rectification.rates import rates_recompute_history

DEMO_CITY_CODE = "421200"  # 咸宁市
DEMO_PROVINCE_CODE = "420000"  # 湖北省, used once the data outgrows one city
CITY_SCALE_LIMIT = 20_000
TASKS_PER_INSPECTION = 8

DEPARTMENTS = [
    "教育局", "卫生健康局", "农业农村局", "住房和城乡建设局", "交通运输局", "水利和湖泊局", "民政局", "财政局",
    "自然资源和规划局", "市场监督管理局", "人力资源和社会保障局", "文化和旅游局", "医疗保障局", "应急管理局",
    "商务局", "统计局", "审计局", "林业局", "城市管理执法局", "退役军人事务局", "乡村振兴局", "司法局",
    "发展和改革局", "经济和信息化局", "行政审批局", "供销合作社", "住房公积金中心", "城市投资集团",
]
PLACE_SYLLABLES = "桂花 马桥 双溪 汀泗 向阳 横沟 贺胜 官埠 温泉 永安 浮山 大幕 高桥 新店 石城 白霓 天城 沙坪 港口 青山 南林 黄袍 九宫 杨芳 洪港 燕厦 大畈 闯王 厦铺 慈口".split()
VILLAGE_SYLLABLES = "和平 新建 红旗 胜利 团结 光明 东风 前进 五一 幸福 桃园 柳林 杨家 李家 张家 刘家 陈家 周家 黄土 石桥 清水 长岭 花园 金塘 银湖 凤凰 龙潭 松林 竹山 枫树".split()
FINDING_TEXTS = {
    FindingCategory.POLITICAL: ["落实上级决策部署打折扣、搞变通", "学习贯彻会议精神不及时、不深入", "意识形态工作责任制落实不到位"],
    FindingCategory.INTEGRITY: ["违规发放津贴补贴", "公务接待超标准、超范围", "“三重一大”事项未经集体研究决定", "公车私用问题仍有发生"],
    FindingCategory.CONDUCT: ["办事拖拉、服务群众意识不强", "文山会海问题反弹，基层负担较重", "督查检查考核过多过频"],
    FindingCategory.ORGANIZATION: ["“三会一课”制度执行不严格", "党员发展程序不规范", "干部选拔任用程序不规范", "基层党组织软弱涣散"],
    FindingCategory.LIVELIHOOD: ["惠民资金发放不及时、不精准", "低保审核把关不严，存在优亲厚友", "群众反映强烈的饮水安全问题未解决"],
    FindingCategory.RECTIFICATION: ["上轮巡察反馈问题整改不彻底", "审计发现问题整改未到位", "整改台账不规范，存在虚假销号"],
    FindingCategory.OTHER: ["档案管理不规范", "固定资产账实不符"],
}
CATEGORY_WEIGHTS = [14, 22, 16, 18, 14, 10, 6]
KIND_WEIGHTS = {
    RoundKind.REGULAR: 50, RoundKind.SPECIAL: 14, RoundKind.MOBILE: 8, RoundKind.ELEVATED: 6,
    RoundKind.LOOKBACK: 8, RoundKind.VILLAGE: 10, RoundKind.JOINT: 4,
}
FINDING_CATEGORIES = list(FindingCategory)
SEVERITIES = list(Severity)
LEAD_RECIPIENTS = list(LeadRecipient)
VISIT_RATINGS = list(VisitRating)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华"


@dataclass
class DemoResult:
    rounds: int = 0
    organizations: int = 0
    inspections: int = 0
    findings: int = 0
    leads: int = 0
    tasks: int = 0
    extensions: int = 0
    visits: int = 0
    warnings: int = 0
    task_states: dict = field(default_factory=dict)
    records_s: float = 0.0  # seconds to write the records
    snapshots_s: float = 0.0  # seconds to compute the snapshot history


def demo_exists() -> bool:
    return InspectionRound.objects.exists()


def demo_reset():
    """Remove the round data the demo builds (organisations, rounds and everything under them, snapshots).

    Users, API tokens, the audit log, articles and their reviews stay: what points into the removed rows from
    outside is detached first (a unit user's organisation, an accepted article round's link, a reported
    figure's organisation); imports into the removed inspections go with them. No CASCADE: a table that
    still points in makes the reset fail rather than be emptied with it (that was how users and the audit
    log went)."""
    from accounts.models import User
    from ingest.models import ExtractedRound, ReportedFigure
    from ledger.models import LedgerImport

    bulk = [RateSnapshot, TaskWarning, PendingWarningRefresh, FollowUpVisit, EvidenceFile, ProgressRecord,
            DeadlineExtension, RectificationTask, Lead, Finding, Inspection, InspectionGroup, LedgerImport]
    tables = [m._meta.db_table for m in bulk] + [InspectionGroup.member_users.through._meta.db_table]
    tables += [m.history.model._meta.db_table for m in bulk if hasattr(m, "history")]
    # Rows other tables may point at: deleted rather than truncated (PostgreSQL refuses to TRUNCATE a
    # table another one has a foreign key to, whatever the rows).
    referenced = [InspectionRound._meta.db_table, Organization._meta.db_table]
    with transaction.atomic():
        User.objects.filter(organization__isnull=False).update(organization=None)
        ExtractedRound.objects.filter(inspection_round__isnull=False).update(inspection_round=None)
        ReportedFigure.objects.filter(organization__isnull=False).update(organization=None)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # TRUNCATE refuses to run while deferred foreign-key checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE {} RESTART IDENTITY".format(", ".join(f'"{t}"' for t in tables)))
            else:
                for table in tables:
                    cursor.execute(f'DELETE FROM "{table}"')
            for table in referenced:
                cursor.execute(f'DELETE FROM "{table}"')


# Many tasks share a feedback date: the (pure) date rules are worked out once per date.
default_deadline = functools.cache(rules.default_deadline)
stage_dates = functools.cache(rules.stage_dates)


class TableWriter:
    """Rows of one model kept as tuples and written in large batches, ids given here.

    PostgreSQL gets COPY, roughly ten times faster than the INSERTs the ORM builds, which is
    what lets a province's million tasks be seeded in a couple of minutes; other databases
    get executemany. Giving the ids here lets rows point at each other before they are
    written; `demo_build` moves the sequences past them at the end.
    """

    COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        # Model defaults ("" for text, None otherwise) fill what a row leaves out.
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.rows = []
        self.next_id = (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        self.written = 0

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        values = {**self.defaults, **values, "id": pk}
        self.rows.append(tuple(values[name] for name in self.names))
        return pk

    def flush(self):
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                text = io.StringIO()
                converters = [self.copy_converter(f) for f in self.fields]
                for row in self.rows:
                    text.write("\t".join([convert(value) for convert, value in zip(converters, row)]))
                    text.write("\n")
                text.seek(0)
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", text)
            else:
                placeholders = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                    [[f.get_db_prep_save(v, connection) for f, v in zip(self.fields, row)] for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []

    @classmethod
    def copy_converter(cls, field):
        """A function writing one value of `field` in COPY's text format (picked once per column: it runs millions of times)."""
        if field.get_internal_type() in ("CharField", "TextField"):
            convert = cls.copy_text
        elif field.get_internal_type() == "BooleanField":
            convert = cls.copy_bool
        else:
            convert = str
        if field.null:
            return lambda value: "\\N" if value is None else convert(value)
        return convert

    @classmethod
    def copy_text(cls, value):
        return value.translate(cls.COPY_ESCAPES)

    @staticmethod
    def copy_bool(value):
        return "t" if value else "f"


@dataclass(frozen=True)
class DemoOrganization:
    pk: int
    name: str
    region_id: int


@dataclass(frozen=True)
class DemoInspection:
    pk: int
    round_id: int
    organization: DemoOrganization
    feedback_date: date | None


class DemoBuilder:
    FLUSH_ROWS = 50_000  # rows kept in memory before a batch goes to the database

    def __init__(self, *, seed: int, tasks: int, today: date):
        self.rng = random.Random(seed)
        self.target_tasks = tasks
        self.today = today
        self.result = DemoResult()
        self.years = 3 if tasks <= CITY_SCALE_LIMIT else 5
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.numbers = {}  # (organizer, term) -> last round number
        # A pool of names drawn once: one random pick per person is what keeps a million rows quick.
        self.people = sorted({
            self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2))) for _ in range(2000)
        })
        # In the order of their foreign keys, so a batch never points at a row not yet written.
        models = [Organization, InspectionRound, InspectionGroup, Inspection, Finding, Lead, FollowUpVisit,
                  RectificationTask, DeadlineExtension, TaskWarning]
        self.writers = {model: TableWriter(model) for model in models}

    def write(self, model, **values) -> int:
        return self.writers[model].add(**values)

    def flush(self, force=False):
        if force or any(len(w.rows) >= self.FLUSH_ROWS for w in self.writers.values()):
            for writer in self.writers.values():
                writer.flush()

    # --- places -----------------------------------------------------------------------------------
    def regions(self):
        if not Region.objects.filter(code=DEMO_CITY_CODE).exists():
            regions_load()
        if self.target_tasks <= CITY_SCALE_LIMIT:
            city = Region.objects.get(code=DEMO_CITY_CODE)
            return [city], list(Region.objects.filter(parent=city, level="county"))
        province = Region.objects.get(code=DEMO_PROVINCE_CODE)
        cities = list(Region.objects.filter(parent=province, level="city"))
        counties = list(Region.objects.in_region(province).filter(level="county"))
        return cities, counties

    def organizations(self, cities, counties):
        inspections = math.ceil(self.target_tasks / TASKS_PER_INSPECTION)
        wanted = max(60, inspections // 4)
        per_county = max(8, math.ceil(wanted / max(len(counties), 1)))
        rows = []
        for city in cities:
            for dept in DEPARTMENTS[:12]:
                rows.append((f"{city.name}{dept}党组", OrganizationKind.DEPARTMENT, city))
        for county in counties:
            names = set()
            while len(names) < per_county:
                roll = self.rng.random()
                if roll < 0.35:
                    name, kind = f"{county.name}{self.rng.choice(DEPARTMENTS)}党组", OrganizationKind.DEPARTMENT
                elif roll < 0.55:
                    name, kind = f"{self.rng.choice(PLACE_SYLLABLES)}镇党委", OrganizationKind.TOWNSHIP
                elif roll < 0.95:
                    name = f"{self.rng.choice(PLACE_SYLLABLES)}镇{self.rng.choice(VILLAGE_SYLLABLES)}村党支部"
                    kind = OrganizationKind.VILLAGE
                else:
                    name, kind = f"{county.name}第{self.rng.randint(1, 9)}中学党总支", OrganizationKind.INSTITUTION
                if name not in names:
                    names.add(name)
                    rows.append((name, kind, county))
                elif len(names) >= len(DEPARTMENTS) + len(PLACE_SYLLABLES) * (1 + len(VILLAGE_SYLLABLES)):
                    break
        organizations = [
            DemoOrganization(self.write(Organization, name=name, kind=kind, region_id=region.pk), name, region.pk)
            for name, kind, region in rows
        ]
        self.result.organizations = len(organizations)
        return organizations

    # --- rounds -----------------------------------------------------------------------------------
    def inspections_wanted(self):
        # Some slack: inspections still without feedback have no findings yet.
        return math.ceil(self.target_tasks / (TASKS_PER_INSPECTION * 0.85))

    def plan_rounds(self, organizers):
        """(organizer, start date) pairs, spread over the years, newest ones still under way."""
        per_round = 6 if self.target_tasks <= CITY_SCALE_LIMIT else 60
        count = max(8, math.ceil(self.inspections_wanted() / per_round))
        span = self.years * 365
        plans = []
        for index in range(count):
            organizer = organizers[index % len(organizers)]
            # Even spread with jitter, the last rounds close to today so every state appears.
            offset = int(span * (1 - (index + 1) / count)) + self.rng.randint(0, 20)
            plans.append((organizer, self.today - timedelta(days=offset + 75)))
        plans.sort(key=lambda p: p[1])
        return plans

    def build(self) -> DemoResult:
        cities, counties = self.regions()
        organizations = self.organizations(cities, counties)
        organizers = cities + counties
        pools = self.pools(organizers, organizations)
        plans = [(organizer, start, self.round_number(organizer, start)) for organizer, start in self.plan_rounds(organizers)]
        per_round = math.ceil(self.inspections_wanted() / len(plans))
        # Built in random order so that, when the asked size is reached, the rounds left
        # without findings are spread over the years rather than all the newest.
        self.rng.shuffle(plans)
        extra = 0
        while True:
            for organizer, start, (term, number) in plans:
                self.build_round(organizer, term, number, start, pools[organizer.pk], per_round)
                self.flush()
            if self.result.findings >= self.target_tasks:
                break
            # Not enough yet (many recent inspections still await feedback): one more finished round.
            organizer = organizers[extra % len(organizers)]
            start = self.today - timedelta(days=120 + extra % 300)
            plans = [(organizer, start, self.round_number(organizer, start))]
            extra += 1
        self.flush(force=True)
        return self.result

    def round_number(self, organizer, start):
        """(届, 轮): a new term every five years, rounds numbered within it."""
        term = 14 + (start.year - (self.today.year - self.years)) // 5
        key = (organizer.pk, term)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return term, self.numbers[key]

    def pools(self, organizers, organizations):
        """The organisations each organiser may inspect: its own, and a city's also its counties'."""
        by_region = {}
        for org in organizations:
            by_region.setdefault(org.region_id, []).append(org)
        pools = {}
        for organizer in organizers:
            pool = list(by_region.get(organizer.pk, []))
            if organizer.level == "city":
                pool += [o for r in organizers if r.parent_id == organizer.pk for o in by_region.get(r.pk, [])]
            pools[organizer.pk] = pool
        return pools

    def build_round(self, organizer, term, number, start, pool, size):
        rng, today = self.rng, self.today
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        length = rng.randint(30, 45)
        end = start + timedelta(days=length)
        round_id = self.write(
            InspectionRound, organizer_id=organizer.pk, term=term, number=number, kind=kind,
            planned_start=start, planned_end=end, started_on=start, ended_on=end if end <= today else None,
            created_at=self.now,
        )
        self.result.rounds += 1
        group_count = max(1, min(8, math.ceil(size / 4)))
        groups = [
            self.write(InspectionGroup, round_id=round_id, number=n, leader=self.person(),
                       members="\n".join(self.person() for _ in range(3)))
            for n in range(1, group_count + 1)
        ]
        chosen = rng.sample(pool, min(size, len(pool))) if pool else []
        for index, org in enumerate(chosen):
            entry = start + timedelta(days=rng.randint(0, 4))
            exit_ = entry + timedelta(days=rng.randint(25, length))
            feedback = exit_ + timedelta(days=rng.randint(15, 35))
            feedback = feedback if feedback <= today else None
            inspection = DemoInspection(
                self.write(Inspection, round_id=round_id, group_id=groups[index % group_count], organization_id=org.pk,
                           entry_date=entry, exit_date=exit_ if exit_ <= today else None, feedback_date=feedback),
                round_id, org, feedback,
            )
            self.result.inspections += 1
            if feedback is None or self.result.findings >= self.target_tasks:
                continue
            count = min(rng.randint(4, 2 * TASKS_PER_INSPECTION - 4), self.target_tasks - self.result.findings)
            self.result.findings += count
            for n in range(1, count + 1):
                category = rng.choices(FINDING_CATEGORIES, weights=CATEGORY_WEIGHTS)[0]
                finding_id = self.write(
                    Finding, inspection_id=inspection.pk, number=n, category=category,
                    description=rng.choice(FINDING_TEXTS[category]),
                    severity=rng.choices(SEVERITIES, weights=[70, 22, 8])[0],
                )
                self.build_task(inspection, finding_id, category)
            self.build_leads(inspection)
            self.build_visits(inspection)

    def build_leads(self, inspection):
        rng = self.rng
        if rng.random() > 0.35:
            return
        for _ in range(rng.randint(1, 3)):
            transferred = inspection.feedback_date - timedelta(days=rng.randint(0, 10))
            concluded = transferred + timedelta(days=rng.randint(20, 200))
            done = concluded <= self.today
            filed = rng.random() < 0.6
            self.write(
                Lead, inspection_id=inspection.pk, summary=f"反映{self.person()}涉嫌违规问题",
                recipient=rng.choices(LEAD_RECIPIENTS, weights=[75, 18, 3, 4])[0],
                status=LeadStatus.CONCLUDED if done else LeadStatus.TRANSFERRED,
                transferred_on=transferred, concluded_on=concluded if done else None,
                cases_filed=1 if filed else 0,
                people_sanctioned=rng.randint(1, 2) if filed and done else 0,
                people_organizational=rng.randint(0, 2) if done else 0,
                people_judicial=1 if filed and done and rng.random() < 0.05 else 0,
            )
            self.result.leads += 1

    def build_visits(self, inspection):
        rng = self.rng
        day = inspection.feedback_date + timedelta(days=30)
        visits = 0
        while day <= self.today and visits < 2 and rng.random() < 0.6:
            self.write(
                FollowUpVisit, inspection_id=inspection.pk, visited_on=day, visitors=f"{self.person()}、{self.person()}",
                rating=rng.choices(VISIT_RATINGS, weights=[55, 35, 10])[0], notes="听取整改汇报，查阅整改台账",
            )
            visits += 1
            day += timedelta(days=rng.randint(20, 40))
        self.result.visits += visits

    # --- tasks ------------------------------------------------------------------------------------
    def build_task(self, inspection, finding_id, category):
        rng, today = self.rng, self.today
        assigned = inspection.feedback_date
        original = deadline = default_deadline(assigned)
        status, closed_on = TaskStatus.IN_PROGRESS, None
        state = self.pick_state(deadline)
        extension = None
        if state == "extended":
            deadline = original + timedelta(days=rng.choice([30, 45, 60]))
            extension = dict(
                requested_on=max(assigned, original - timedelta(days=10)), reason="涉及历史遗留问题，需协调多部门解决",
                previous_deadline=original, new_deadline=deadline, status=ExtensionStatus.APPROVED,
                decided_at=self.moment(max(assigned, original - timedelta(days=5))),
            )
            state = "closed_on_time" if deadline < today and rng.random() < 0.7 else (
                "overdue" if deadline < today else "open")
        window = (deadline - assigned).days
        if state == "closed_on_time":
            closed_on = min(assigned + timedelta(days=rng.randint(window // 3, window)), today)
        elif state == "closed_late":
            closed_on = min(deadline + timedelta(days=rng.randint(1, 45)), today)
        elif state == "open" and rng.random() < 0.25:
            status = TaskStatus.REPORTED
        if closed_on:
            status = TaskStatus.CLOSED
        closed = status == TaskStatus.CLOSED
        stages = stage_dates(assigned, deadline)
        organization = inspection.organization
        task_id = self.write(
            RectificationTask, finding_id=finding_id, inspection_id=inspection.pk, round_id=inspection.round_id,
            organization_id=organization.pk, region_id=organization.region_id, category=category,
            responsible_unit=organization.name, responsible_person=self.person(),
            measures="制定整改方案，明确责任人和时限，建立长效机制", assigned_on=assigned,
            original_deadline=original, deadline=deadline, start_due=stages.start_due, progress_due=stages.progress_due,
            status=status, closed_on=closed_on, updated_at=self.now,
        )
        if extension:
            self.write(DeadlineExtension, task_id=task_id, **extension)
            self.result.extensions += 1
        warning = rules.warning_for(today=today, deadline=deadline, closed=closed)
        if warning:
            self.write(TaskWarning, task_id=task_id, level=warning[0], reason=warning[1], issued_at=self.moment(today))
            self.result.warnings += 1
        self.result.tasks += 1
        key = rules.stage_on(today=today, closed=closed, start_due=stages.start_due,
                             progress_due=stages.progress_due, deadline=deadline).value
        self.result.task_states[key] = self.result.task_states.get(key, 0) + 1

    def pick_state(self, deadline):
        roll = self.rng.random()
        if deadline < self.today:
            # Past the deadline: most closed on time, some late, some extended, some overdue.
            for state, share in (("closed_on_time", 0.74), ("closed_late", 0.86), ("extended", 0.93)):
                if roll < share:
                    return state
            return "overdue"
        if roll < 0.3:
            return "closed_on_time"
        return "extended" if roll < 0.36 else "open"

    def person(self):
        return self.rng.choice(self.people)

    def moment(self, day):
        return timezone.make_aware(datetime.combine(day, time(9, 0)), self.tz)


@transaction.atomic
def demo_build(*, seed: int, tasks: int, today: date, history_months: int | None = None) -> DemoResult:
    """`history_months`: monthly snapshot days before today for the trend charts; by default 12 for a city's
    data and none for a province's (each day is a full recompute: ~11 s at a million tasks)."""
    if history_months is None:
        history_months = 12 if tasks <= CITY_SCALE_LIMIT else 0
    started = timer()
    builder = DemoBuilder(seed=seed, tasks=tasks, today=today)
    result = builder.build()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(builder.writers)):
            cursor.execute(sql)
    result.records_s = timer() - started
    rates_recompute_history(today=today, months=history_months)  # trend charts: month by month up to today
    result.snapshots_s = timer() - started - result.records_s
    return result
