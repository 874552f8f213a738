"""The API stub: one set of list/get/create/update/delete endpoints per resource, seeded with sample records."""
