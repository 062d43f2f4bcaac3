# This file is part of ecom suite. Classes are registered in tryton.cfg.
import json

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_order_center.validate import TEXT_LIMITS, storable
from trytond.pool import PoolMeta

from .clients.base import utcnow

# characters of a failed order's payload kept for a person to read
PAYLOAD_SIZE = 200000


class SyncLog(ModelSQL, ModelView):
    "Platform Sync Log"
    __name__ = 'ecom.sync_log'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('orders', "Orders"),
            ('refunds', "Refunds"),
            ('listings', "Listings"),
            ('stock', "Stock"),
            ('shipment', "Shipment"),
            ], "Kind", required=True)
    window_start = fields.DateTime("Window Start")
    window_end = fields.DateTime("Window End")
    new = fields.Integer("New")
    updated = fields.Integer("Updated")
    unchanged = fields.Integer("Unchanged")
    stale = fields.Integer("Stale",
        help="Orders that came in an older version than the one stored: "
        "nothing was changed.")
    failed = fields.Integer("Failed")
    errors = fields.Text("Errors")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def start(cls, shop, kind, **values):
        "A new log of the shop's sync of kind, its counters at zero"
        counters = {name: 0 for name in [
                'new', 'updated', 'unchanged', 'stale', 'failed']}
        return cls(shop=shop, kind=kind, errors='', **counters, **values)

    def add_error(self, message):
        self.errors = '\n'.join(filter(None, [self.errors, message]))


def payload_text(payload):
    "The payload as storable JSON text, whatever it holds"
    try:
        text = json.dumps(payload, ensure_ascii=False, default=str,
            indent=1)
    except (RecursionError, ValueError):
        # nested too deep or circular
        text = type(payload).__name__ + '…'
    return storable(text, PAYLOAD_SIZE, lines=True)


class SyncFailure(ModelSQL, ModelView):
    "Platform Sync Failure"
    __name__ = 'ecom.sync_failure'
    _rec_name = 'platform_order_id'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE', readonly=True)
    platform_order_id = fields.Char("Platform Order ID", readonly=True,
        size=TEXT_LIMITS['platform_order_id'])
    date = fields.DateTime("Date", readonly=True)
    reason = fields.Text("Reason", readonly=True,
        help="Why the order could not be stored.")
    payload = fields.Text("Payload", readonly=True,
        help="The order as the platform sent it.")
    sync_log = fields.Many2One('ecom.sync_log', "Sync Log", readonly=True,
        ondelete='SET NULL')
    resolved = fields.Boolean("Resolved", readonly=True,
        help="A later download stored the order.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('shop_order_unique', Unique(t, t.shop, t.platform_order_id),
                'ecom_platforms.msg_sync_failure_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @staticmethod
    def default_resolved():
        return False

    @classmethod
    def record(cls, shop, failures, log=None):
        """Keep (platform_order_id, reason, payload) failures of shop: one
        failure per order, the last one of an order wins; a failure
        without order id is kept on its own"""
        if not failures:
            return
        by_id = {f.platform_order_id: f for f in cls.search([
                    ('shop', '=', shop.id),
                    ('platform_order_id', 'in',
                        [f[0] for f in failures if f[0]]),
                    ])}
        now = utcnow()
        # by identity: the records are not saved yet
        to_save = {}
        for platform_order_id, reason, payload in failures:
            platform_order_id = storable(platform_order_id,
                TEXT_LIMITS['platform_order_id']) if platform_order_id \
                else None
            failure = by_id.get(platform_order_id) or cls(
                shop=shop, platform_order_id=platform_order_id)
            if platform_order_id:
                by_id[platform_order_id] = failure
            failure.date = now
            failure.reason = storable(reason, PAYLOAD_SIZE, lines=True)
            failure.payload = payload_text(payload)
            failure.sync_log = log.id if log and log.id else None
            failure.resolved = False
            to_save[id(failure)] = failure
        cls.save(list(to_save.values()))

    @classmethod
    def resolve(cls, shop, platform_order_ids):
        if not platform_order_ids:
            return
        failures = cls.search([
                ('shop', '=', shop.id),
                ('platform_order_id', 'in', platform_order_ids),
                ('resolved', '=', False),
                ])
        if failures:
            cls.write(failures, {'resolved': True})


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ecom.shop|download_due', "Download Platform Orders"),
                ])


