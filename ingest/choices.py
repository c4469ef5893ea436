"""Statuses, review states and the metric vocabulary of ingest, with their Chinese labels."""
from django.db import models


class ArticleStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    PARSING = "parsing", "解析中"
    PARSED = "parsed", "已解析"
    FAILED = "failed", "解析失败"
    REVIEWED = "reviewed", "已审核"
    DUPLICATE = "duplicate", "内容重复"  # its file read to the text of an article stored already


class ReviewState(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已采纳"
    CORRECTED = "corrected", "已更正采纳"
    REJECTED = "rejected", "已驳回"


# The engine's metric vocabulary (../shared/corpus/SCHEMA.md).
class Metric(models.TextChoices):
    ROUNDS = "rounds", "巡察轮次"
    UNITS_INSPECTED = "units_inspected", "被巡察单位（个）"
    GROUPS = "groups", "巡察组（个）"
    ISSUES_FOUND = "issues_found", "发现问题"
    LEADS_FOUND = "leads_found", "问题线索"
    LEADS_TRANSFERRED = "leads_transferred", "移交问题线索"
    RECOMMENDATIONS = "recommendations", "提出意见建议"
    CASES_FILED = "cases_filed", "立案"
    DISCIPLINARY_SANCTIONS = "disciplinary_sanctions", "党纪政务处分（人）"
    ORGANIZATIONAL_HANDLING = "organizational_handling", "组织处理（人）"
    JUDICIAL_TRANSFERS = "judicial_transfers", "移送司法机关"
    ACCOUNTABILITY = "accountability", "追究问责"
    FUNDS_RECOVERED = "funds_recovered", "收缴挽回资金（元）"
    ISSUES_RECTIFIED = "issues_rectified", "已整改问题"
    RECTIFICATION_RATE = "rectification_rate", "整改率（%）"
    REGULATIONS_REVISED = "regulations_revised", "建立完善制度"
    PUBLIC_ISSUES_RESOLVED = "public_issues_resolved", "解决民生问题"
    FOLLOW_UP_SUPERVISIONS = "follow_up_supervisions", "回访督查（轮次）"
