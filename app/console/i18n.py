"""The console's words in English and Chinese, and the language a browser asks for.

A small catalogue rather than gettext: a few dozen labels, kept side by side
so a missing translation shows in review (and in a test that both languages
have the same keys). A key missing from both shows as itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT = "en"

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "console": "Review console",
        "nav_queue": "Review queue",
        "nav_report": "Data quality",
        "find": "Find",
        "find_placeholder": "record id or external id",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "sign_in_intro": "Sign in to settle possible duplicates. Your name goes into the "
        "audit trail with every decision.",
        "your_name": "Your name",
        "api_key": "API key",
        "api_key_help": "The tenant's API key; it is checked once and never kept.",
        "signin_bad_key": "That API key names no tenant, or it has expired.",
        "signin_bad_name": "Give your name (at most 200 characters).",
        "signin_expired": "Your session ended; sign in again.",
        "queue_title": "Possible duplicates",
        "queue_empty": "Nothing to review.",
        "open_count": "{n} open",
        "filter_source": "Source",
        "filter_rule": "Rule",
        "filter_age": "Age",
        "any": "any",
        "age_day": "opened today",
        "age_week": "opened this week",
        "age_older_week": "older than a week",
        "age_older_month": "older than a month",
        "apply": "Filter",
        "shortcuts": "Keys: j next (skip), k previous, s same, d different",
        "rule": "Rule",
        "probability": "match probability {p}",
        "opened": "opened {age}",
        "age_minutes": "{n} min ago",
        "age_hours": "{n} h ago",
        "age_days": "{n} days ago",
        "field": "Field",
        "checked_record": "Checked record",
        "candidate": "Stored record",
        "after_same": "After “same”",
        "match_level": "Comparison",
        "weight": "weight",
        "other_explain": "Also recorded",
        "same": "Same",
        "different": "Different",
        "skip": "Skip",
        "same_help": "Merge the checked record into the stored one (as the last column shows).",
        "different_help": "Never flag this pair again.",
        "done_same": "Merged {lead} into {into}.",
        "done_different": "Marked {lead} and {into} as different; the pair will not be "
        "flagged again.",
        "undo": "Undo",
        "undone": "Merge undone: both records are back as they were.",
        "previous_page": "Previous",
        "next_page": "Next",
        "page_of": "page {page} of {pages}",
        "record": "Record",
        "record_merged_into": "Merged into {id}",
        "group": "Group",
        "history": "History",
        "action_created": "created",
        "action_updated": "updated",
        "action_merged": "merged",
        "action_unmerged": "unmerged",
        "action_deleted": "deleted",
        "action_purged": "purged",
        "merged_role_merged": "folded into {id}",
        "merged_role_survivor": "took in {id}",
        "reviews": "Reviews",
        "no_reviews": "No review involved this record.",
        "status_open": "open",
        "status_same": "same",
        "status_different": "different",
        "reviewed_by": "by {name}",
        "members": "Records",
        "touchpoints": "Touchpoints",
        "no_touchpoints": "No touchpoints.",
        "found": "Records found",
        "nothing_found": "No record with that id or external id.",
        "report_title": "Data quality",
        "valid_rate": "Valid",
        "duplicate_rate": "Duplicates",
        "records": "{n} records",
        "completeness": "Completeness per field",
        "issues_by_code": "Issues by code",
        "by_source_over_time": "Records by source over time",
        "no_data": "No data yet.",
        "error_title": "Something went wrong",
        "error_csrf": "This form has expired or did not come from this console. Go back, "
        "reload the page and try again.",
        "error_bad_form": "The form sent a value the console does not offer.",
        "error_not_found": "No such record for this tenant.",
        "error_conflict": "That cannot be done any more:",
        "error_unavailable": "The database is unreachable; try again in a moment.",
        "back_to_queue": "Back to the queue",
        "tenant": "Tenant",
        "source_none": "(no source)",
        "source_other": "other",
        "open_reviews": "{n} possible duplicates wait for review",
        "report_window": "Intake over the last {days} days",
        "of_live": "of {n} live records",
        "of_not_deleted": "of {n} records not deleted",
        "f_name": "Name",
        "f_company": "Company",
        "f_uscc": "Credit code",
        "f_phone": "Phone",
        "f_email": "Email",
        "f_website": "Website",
        "f_title": "Title",
        "f_address": "Address",
        "f_city": "City",
        "f_region": "Region",
        "f_postcode": "Postcode",
        "f_country": "Country",
        "f_source": "Source",
        "f_external_id": "External id",
        "f_entity": "Entity",
    },
    "zh": {
        "console": "审核台",
        "nav_queue": "待审队列",
        "nav_report": "数据质量",
        "find": "查找",
        "find_placeholder": "记录 ID 或外部 ID",
        "sign_in": "登录",
        "sign_out": "退出",
        "sign_in_intro": "登录后处理疑似重复。每次决定都会连同您的姓名记入审计记录。",
        "your_name": "您的姓名",
        "api_key": "API 密钥",
        "api_key_help": "租户的 API 密钥；仅校验一次，不会保存。",
        "signin_bad_key": "该 API 密钥不属于任何租户，或已过期。",
        "signin_bad_name": "请填写姓名（最多 200 个字符）。",
        "signin_expired": "会话已结束，请重新登录。",
        "queue_title": "疑似重复",
        "queue_empty": "没有待审核的记录。",
        "open_count": "{n} 条待审",
        "filter_source": "来源",
        "filter_rule": "规则",
        "filter_age": "时间",
        "any": "全部",
        "age_day": "今天",
        "age_week": "本周",
        "age_older_week": "一周以前",
        "age_older_month": "一个月以前",
        "apply": "筛选",
        "shortcuts": "快捷键：j 下一条（跳过），k 上一条，s 相同，d 不同",
        "rule": "规则",
        "probability": "匹配概率 {p}",
        "opened": "{age}提交",
        "age_minutes": "{n} 分钟前",
        "age_hours": "{n} 小时前",
        "age_days": "{n} 天前",
        "field": "字段",
        "checked_record": "新记录",
        "candidate": "已有记录",
        "after_same": "合并后",
        "match_level": "比对结果",
        "weight": "权重",
        "other_explain": "其他依据",
        "same": "相同",
        "different": "不同",
        "skip": "跳过",
        "same_help": "把新记录合并到已有记录（结果如最后一列所示）。",
        "different_help": "这两条记录以后不再提示。",
        "done_same": "已将 {lead} 合并到 {into}。",
        "done_different": "已标记 {lead} 与 {into} 不同，以后不再提示。",
        "undo": "撤销",
        "undone": "已撤销合并：两条记录已恢复原状。",
        "previous_page": "上一页",
        "next_page": "下一页",
        "page_of": "第 {page} / {pages} 页",
        "record": "记录",
        "record_merged_into": "已合并到 {id}",
        "group": "同一客户",
        "history": "历史",
        "action_created": "创建",
        "action_updated": "更新",
        "action_merged": "合并",
        "action_unmerged": "撤销合并",
        "action_deleted": "删除",
        "action_purged": "彻底删除",
        "merged_role_merged": "并入 {id}",
        "merged_role_survivor": "合并了 {id}",
        "reviews": "审核",
        "no_reviews": "这条记录没有审核。",
        "status_open": "待审",
        "status_same": "相同",
        "status_different": "不同",
        "reviewed_by": "审核人 {name}",
        "members": "记录",
        "touchpoints": "接触点",
        "no_touchpoints": "没有接触点。",
        "found": "找到的记录",
        "nothing_found": "没有这个 ID 或外部 ID 的记录。",
        "report_title": "数据质量",
        "valid_rate": "有效",
        "duplicate_rate": "重复",
        "records": "{n} 条记录",
        "completeness": "各字段完整度",
        "issues_by_code": "问题（按类型）",
        "by_source_over_time": "各来源记录数（按时间）",
        "no_data": "暂无数据。",
        "error_title": "出错了",
        "error_csrf": "表单已过期或并非来自本页面。请返回、刷新后重试。",
        "error_bad_form": "表单中有本页面不提供的值。",
        "error_not_found": "此租户没有这条记录。",
        "error_conflict": "此操作已无法执行：",
        "error_unavailable": "数据库暂时无法连接，请稍后重试。",
        "back_to_queue": "返回队列",
        "tenant": "租户",
        "source_none": "（无来源）",
        "source_other": "其他",
        "open_reviews": "{n} 条疑似重复待审核",
        "report_window": "最近 {days} 天的录入",
        "of_live": "共 {n} 条在库记录",
        "of_not_deleted": "共 {n} 条未删除记录",
        "f_name": "姓名",
        "f_company": "公司",
        "f_uscc": "统一社会信用代码",
        "f_phone": "电话",
        "f_email": "邮箱",
        "f_website": "网站",
        "f_title": "职务",
        "f_address": "地址",
        "f_city": "城市",
        "f_region": "省份",
        "f_postcode": "邮编",
        "f_country": "国家",
        "f_source": "来源",
        "f_external_id": "外部 ID",
        "f_entity": "类型",
    },
}
LANGUAGES = tuple(CATALOGUE)


def choose(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header (q-values honoured)."""
    best, best_q = DEFAULT, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in CATALOGUE:
            continue
        q = _quality(params)
        if q > best_q:  # on a tie the earlier entry stays: browsers list by preference
            best, best_q = primary, q
    return best


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def translator(lang: str) -> Callable[..., str]:
    """`t("open_count", n=3)` in this language; English when a key is missing in it."""
    words = CATALOGUE.get(lang, CATALOGUE[DEFAULT])

    def t(key: str, **values: Any) -> str:
        text = words.get(key) or CATALOGUE[DEFAULT].get(key) or key
        return text.format(**values) if values else text

    return t
