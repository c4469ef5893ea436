"""Kinds and statuses of the inspection domain, with their Chinese labels."""
from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class OrganizationKind(models.TextChoices):
    DEPARTMENT = "department", "党政机关（党组）"
    TOWNSHIP = "township", "乡镇（街道）党委"
    VILLAGE = "village", "村（社区）党组织"
    ENTERPRISE = "enterprise", "国有企业"
    INSTITUTION = "institution", "事业单位（学校、医院）"
    OTHER = "other", "其他"


class RoundKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    MOBILE = "mobile", "机动巡察"
    ELEVATED = "elevated", "提级巡察"
    LOOKBACK = "lookback", "巡察“回头看”"
    VILLAGE = "village", "村（社区）巡察"
    JOINT = "joint", "联动（交叉）巡察"


class FindingCategory(models.TextChoices):
    POLITICAL = "political", "贯彻落实党的路线方针政策和决策部署"
    INTEGRITY = "integrity", "全面从严治党和党风廉政建设"
    CONDUCT = "conduct", "作风建设和群众身边不正之风"
    ORGANIZATION = "organization", "党组织建设和干部队伍建设"
    LIVELIHOOD = "livelihood", "民生领域和群众急难愁盼"
    RECTIFICATION = "rectification", "巡视巡察及审计整改落实"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class LeadRecipient(models.TextChoices):
    DISCIPLINE = "discipline", "纪委监委"
    ORGANIZATION = "organization", "组织部门"
    JUDICIAL = "judicial", "司法机关"
    OTHER = "other", "其他有关部门"


class LeadStatus(models.TextChoices):
    PENDING = "pending", "待移交"
    TRANSFERRED = "transferred", "已移交处置中"
    CONCLUDED = "concluded", "已办结"
