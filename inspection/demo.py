"""Believable demo data: a city (or, for large sizes, a province) with its counties.

Deterministic for a given seed and anchor day. Rows are written with bulk inserts, one
round at a time, so that a million tasks fit in memory and in the time benchmarks allow.
"""
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from inspection.choices import FindingCategory, LeadRecipient, LeadStatus, OrganizationKind, RoundKind, Severity
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.services import regions_load
from rectification import rules
from rectification.choices import ExtensionStatus, TaskStatus, VisitRating
from rectification.models import DeadlineExtension, FollowUpVisit, RectificationTask, Warning

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


def demo_exists() -> bool:
    return InspectionRound.objects.exists()


def demo_reset():
    """Remove all round data (regions and users stay)."""
    models = [Warning, FollowUpVisit, DeadlineExtension, RectificationTask, Lead, Finding, Inspection,
              InspectionGroup, InspectionRound, Organization]
    tables = [m._meta.db_table for m in models]
    tables += [m.history.model._meta.db_table for m in models if hasattr(m, "history")]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # TRUNCATE refuses to run while deferred foreign-key checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables)))
        else:
            from accounts.models import User

            User.objects.filter(organization__isnull=False).update(organization=None)
            for model in models:
                model.objects.all().delete()


class DemoBuilder:
    def __init__(self, *, seed: int, tasks: int, today: date):
        self.rng = random.Random(seed)
        self.target_tasks = tasks
        self.today = today
        self.result = DemoResult()
        self.years = 3 if tasks <= CITY_SCALE_LIMIT else 5
        self.tz = timezone.get_current_timezone()
        self.numbers = {}  # (organizer, term) -> last round number

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
                rows.append(Organization(name=f"{city.name}{dept}党组", kind=OrganizationKind.DEPARTMENT, region=city))
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
                    rows.append(Organization(name=name, kind=kind, region=county))
                elif len(names) >= len(DEPARTMENTS) + len(PLACE_SYLLABLES) * (1 + len(VILLAGE_SYLLABLES)):
                    break
        Organization.objects.bulk_create(rows, batch_size=2000)
        self.result.organizations = len(rows)
        return list(Organization.objects.order_by("pk"))

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
        for extra in range(50):
            for organizer, start, (term, number) in plans:
                with transaction.atomic():
                    self.build_round(organizer, term, number, start, pools[organizer.pk], per_round)
            if self.result.findings >= self.target_tasks:
                break
            organizer = organizers[extra % len(organizers)]
            start = self.today - timedelta(days=120 + extra)
            plans = [(organizer, start, self.round_number(organizer, start))]
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
        rng = self.rng
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        length = rng.randint(30, 45)
        rnd = InspectionRound.objects.create(
            organizer=organizer, term=term, number=number, kind=kind,
            planned_start=start, planned_end=start + timedelta(days=length),
            started_on=start, ended_on=start + timedelta(days=length) if start + timedelta(days=length) <= self.today else None,
        )
        self.result.rounds += 1
        group_count = max(1, min(8, math.ceil(size / 4)))
        groups = InspectionGroup.objects.bulk_create([
            InspectionGroup(round=rnd, number=n, leader=self.person(), members="\n".join(self.person() for _ in range(3)))
            for n in range(1, group_count + 1)
        ])
        chosen = rng.sample(pool, min(size, len(pool))) if pool else []
        inspections = []
        for index, org in enumerate(chosen):
            entry = start + timedelta(days=rng.randint(0, 4))
            exit_ = entry + timedelta(days=rng.randint(25, length))
            feedback = exit_ + timedelta(days=rng.randint(15, 35))
            inspections.append(Inspection(
                round=rnd, group=groups[index % group_count], organization=org, entry_date=entry,
                exit_date=exit_ if exit_ <= self.today else None,
                feedback_date=feedback if feedback <= self.today else None,
            ))
        Inspection.objects.bulk_create(inspections)
        self.result.inspections += len(inspections)
        findings, leads, visits = [], [], []
        for inspection in inspections:
            if inspection.feedback_date is None or self.result.findings >= self.target_tasks:
                continue
            count = min(rng.randint(4, 2 * TASKS_PER_INSPECTION - 4), self.target_tasks - self.result.findings)
            self.result.findings += count
            for n in range(1, count + 1):
                category = rng.choices(list(FindingCategory), weights=CATEGORY_WEIGHTS)[0]
                findings.append(Finding(
                    inspection=inspection, number=n, category=category,
                    description=rng.choice(FINDING_TEXTS[category]),
                    severity=rng.choices(list(Severity), weights=[70, 22, 8])[0],
                ))
            leads.extend(self.leads_for(inspection))
            visits.extend(self.visits_for(inspection))
        Finding.objects.bulk_create(findings, batch_size=5000)
        Lead.objects.bulk_create(leads, batch_size=5000)
        FollowUpVisit.objects.bulk_create(visits, batch_size=5000)
        self.result.leads += len(leads)
        self.result.visits += len(visits)
        self.build_tasks(findings)

    def leads_for(self, inspection):
        rng = self.rng
        if rng.random() > 0.35:
            return []
        leads = []
        for _ in range(rng.randint(1, 3)):
            transferred = inspection.feedback_date - timedelta(days=rng.randint(0, 10))
            concluded = transferred + timedelta(days=rng.randint(20, 200))
            done = concluded <= self.today
            filed = rng.random() < 0.6
            leads.append(Lead(
                inspection=inspection, summary=f"反映{self.person()}涉嫌违规问题",
                recipient=rng.choices(list(LeadRecipient), weights=[75, 18, 3, 4])[0],
                status=LeadStatus.CONCLUDED if done else LeadStatus.TRANSFERRED,
                transferred_on=transferred, concluded_on=concluded if done else None,
                cases_filed=1 if filed else 0,
                people_sanctioned=rng.randint(1, 2) if filed and done else 0,
                people_organizational=rng.randint(0, 2) if done else 0,
                people_judicial=1 if filed and done and rng.random() < 0.05 else 0,
            ))
        return leads

    def visits_for(self, inspection):
        rng = self.rng
        visits = []
        day = inspection.feedback_date + timedelta(days=30)
        while day <= self.today and len(visits) < 2 and rng.random() < 0.6:
            visits.append(FollowUpVisit(
                inspection=inspection, visited_on=day, visitors=f"{self.person()}、{self.person()}",
                rating=rng.choices(list(VisitRating), weights=[55, 35, 10])[0], notes="听取整改汇报，查阅整改台账",
            ))
            day += timedelta(days=rng.randint(20, 40))
        return visits

    # --- tasks ------------------------------------------------------------------------------------
    def build_tasks(self, findings):
        rng, today = self.rng, self.today
        tasks, extensions, warnings = [], [], []
        for finding in findings:
            inspection = finding.inspection
            assigned = inspection.feedback_date
            deadline = rules.default_deadline(assigned)
            task = RectificationTask(
                finding=finding, inspection=inspection, round_id=inspection.round_id,
                organization_id=inspection.organization_id, region_id=inspection.organization.region_id, category=finding.category,
                responsible_unit=inspection.organization.name, responsible_person=self.person(),
                measures="制定整改方案，明确责任人和时限，建立长效机制", assigned_on=assigned,
                original_deadline=deadline, deadline=deadline,
            )
            state = self.pick_state(deadline)
            if state == "extended":
                task.deadline = deadline + timedelta(days=rng.choice([30, 45, 60]))
                extensions.append(DeadlineExtension(
                    task=task, requested_on=max(assigned, deadline - timedelta(days=10)), reason="涉及历史遗留问题，需协调多部门解决",
                    previous_deadline=deadline, new_deadline=task.deadline, status=ExtensionStatus.APPROVED,
                    decided_at=self.moment(max(assigned, deadline - timedelta(days=5))),
                ))
                state = "closed_on_time" if task.deadline < today and rng.random() < 0.7 else (
                    "overdue" if task.deadline < today else "open")
            window = (task.deadline - assigned).days
            if state == "closed_on_time":
                task.closed_on = min(assigned + timedelta(days=rng.randint(window // 3, window)), today)
            elif state == "closed_late":
                task.closed_on = min(task.deadline + timedelta(days=rng.randint(1, 45)), today)
            elif state == "open" and rng.random() < 0.25:
                task.status = TaskStatus.REPORTED
            if task.closed_on:
                task.status = TaskStatus.CLOSED
            stages = rules.stage_dates(assigned, task.deadline)
            task.start_due, task.progress_due = stages.start_due, stages.progress_due
            task.is_overdue = task.status != TaskStatus.CLOSED and task.deadline < today
            warning = rules.warning_for(today=today, deadline=task.deadline, closed=task.status == TaskStatus.CLOSED)
            if warning:
                warnings.append(Warning(task=task, level=warning[0], reason=warning[1], issued_at=self.moment(today)))
            tasks.append(task)
            key = task.stage_on(today).value
            self.result.task_states[key] = self.result.task_states.get(key, 0) + 1
        RectificationTask.objects.bulk_create(tasks, batch_size=5000)
        for row in extensions + warnings:
            row.task_id = row.task.pk
        DeadlineExtension.objects.bulk_create(extensions, batch_size=5000)
        Warning.objects.bulk_create(warnings, batch_size=5000)
        self.result.tasks += len(tasks)
        self.result.extensions += len(extensions)
        self.result.warnings += len(warnings)

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
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    def moment(self, day):
        return timezone.make_aware(datetime.combine(day, time(9, 0)), self.tz)


def demo_build(*, seed: int, tasks: int, today: date) -> DemoResult:
    return DemoBuilder(seed=seed, tasks=tasks, today=today).build()
