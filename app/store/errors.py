"""What can go wrong in the store, in words the api turns into statuses."""


class StoreError(Exception):
    """Base of every store error."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or did not answer in time: the caller may retry."""


class StoreFailed(StoreError):
    """The database refused a statement for a reason of its own; nothing was written."""


class NotFound(StoreError):
    """No such record for this tenant (another tenant's record is also not found)."""


class Conflict(StoreError):
    """The write contradicts a record that exists, e.g. a tenant name taken."""
