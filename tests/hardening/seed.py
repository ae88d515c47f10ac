"""A tenant's data with every kind of id the API hands out: leads, a group, a review, a merge.

Shared by the tenancy walk and the purge test. Every value is unusual enough
that finding it in another tenant's answer, or in a table after a purge,
cannot be a coincidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

NAME = "欧阳明轩"
COMPANY = "上海甲方秘密科技有限公司"
PHONE = "15902178436"
EMAIL = "ouyang.mishu@jiafang-secret.cn"
EXTERNAL_ID = "crm-secret-0001"
LEAD = {
    "external_id": EXTERNAL_ID,
    "name": NAME,
    "company": COMPANY,
    "phone": PHONE,
    "email": EMAIL,
    "title": "采购总监",
    "address": "上海市浦东新区秘密路 88 号",
    "source": "secret_campaign",
    "attributes": {"wechat": "wx-secret-ouyang"},
}
# Same person and company, another mailbox and no phone: a possible duplicate (a review).
SIMILAR = {
    "external_id": "crm-secret-0002",
    "name": NAME,
    "company": COMPANY,
    "email": "oy.ms@other-secret-mail.cn",
}
# Same mobile and name: a sure duplicate, registered into the first record's group.
DUPLICATE = {"external_id": "crm-secret-0003", "name": NAME, "phone": "+86 159 0217 8436"}
# Another record to merge away into the first.
MERGEABLE = {"external_id": "crm-secret-0004", "name": "欧阳明轩", "email": "mishu@secret-merge.cn"}

# What only the tenant itself ever sends (the walk sends PHONE, EMAIL and EXTERNAL_ID as tenant B).
PRIVATE = (
    NAME,
    COMPANY,
    "wx-secret-ouyang",
    "oy.ms@other-secret-mail.cn",
    "mishu@secret-merge.cn",
    "秘密路",
)
SECRETS = (*PRIVATE, "+8615902178436", EMAIL, EXTERNAL_ID)


@dataclass
class Seeded:
    """What the tenant holds, by kind of id."""

    lead_id: str
    group_id: str
    similar_id: str
    duplicate_id: str
    merged_id: str
    review_id: str
    external_id: str = EXTERNAL_ID
    ids: set[str] = field(default_factory=set)


async def _check(client: httpx.AsyncClient, lead: dict[str, object]) -> dict:
    response = await client.post("/v1/check", json={"lead": lead, "register": True})
    assert response.status_code == 200, response.text
    return response.json()


async def seed(client: httpx.AsyncClient) -> Seeded:
    """Register the records through the API, as a CRM would, and merge one away."""
    first = await _check(client, LEAD)
    similar = await _check(client, SIMILAR)
    duplicate = await _check(client, DUPLICATE)
    assert (similar["decision"], duplicate["decision"]) == ("possible_duplicate", "duplicate")
    reviews = (await client.get("/v1/reviews")).json()["reviews"]
    review_id = next(r["id"] for r in reviews if r["lead_id"] == similar["id"])
    created = await client.post("/v1/leads", json={"lead": MERGEABLE})
    assert created.status_code == 201, created.text
    merged_id = created.json()["id"]
    merged = await client.post(f"/v1/leads/{merged_id}/merge", json={"into": first["id"]})
    assert merged.status_code == 200, merged.text
    seeded = Seeded(
        lead_id=first["id"],
        group_id=first["group_id"],
        similar_id=similar["id"],
        duplicate_id=duplicate["id"],
        merged_id=merged_id,
        review_id=review_id,
    )
    seeded.ids = {
        seeded.lead_id,
        seeded.group_id,
        seeded.similar_id,
        seeded.duplicate_id,
        seeded.merged_id,
        *(r["id"] for r in reviews),
    }
    return seeded
