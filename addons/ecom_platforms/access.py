"""Who sees what: the sync logs and failures of a shop are limited by the
user's shops like its orders (see ecom_order_center's access)."""
from trytond.modules.ecom_order_center.access import RuleCheckedMixin
from trytond.pool import PoolMeta

RESTRICTED_MODELS = {'ecom.sync_log', 'ecom.sync_failure'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _ecom_restricted_models(cls):
        return super()._ecom_restricted_models() | RESTRICTED_MODELS


class SyncLog(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.sync_log'


class SyncFailure(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.sync_failure'
