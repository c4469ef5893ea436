"""Operations that change inspection data."""
from django.db import transaction

from inspection.models import Region
from inspection.regions import national_divisions


@transaction.atomic
def regions_load() -> dict:
    """Create or update every national division; running it again changes nothing."""
    rows = national_divisions()  # parents before children
    by_code = {region.code: region for region in Region.objects.all()}
    created, changed = 0, []
    for level in ("province", "city", "county"):
        new = []
        for row in (r for r in rows if r.level == level):
            parent_id = by_code[row.parent_code].pk if row.parent_code else None
            region = by_code.get(row.code)
            if region is None:
                new.append(Region(code=row.code, name=row.name, level=row.level, parent_id=parent_id))
            elif (region.name, region.level, region.parent_id) != (row.name, row.level, parent_id):
                region.name, region.level, region.parent_id = row.name, row.level, parent_id
                changed.append(region)
        for region in Region.objects.bulk_create(new, batch_size=1000):
            by_code[region.code] = region
        created += len(new)
    Region.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
    return {"created": created, "updated": len(changed), "total": len(rows)}
