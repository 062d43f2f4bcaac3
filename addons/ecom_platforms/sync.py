from trytond.model import ModelSQL, ModelView, fields


class SyncLog(ModelSQL, ModelView):
    "Platform Sync Log"
    __name__ = 'ecom.sync_log'

    shop = fields.Many2One('ecom.shop', "Shop", required=True, ondelete='CASCADE')
    kind = fields.Selection([('orders', "Orders"), ('refunds', "Refunds"), ('listings', "Listings"), ('stock', "Stock"), ('shipment', "Shipment")], "Kind", required=True)
    window_start = fields.DateTime("Window Start")
    window_end = fields.DateTime("Window End")
    new = fields.Integer("New")
    updated = fields.Integer("Updated")
    unchanged = fields.Integer("Unchanged")
    failed = fields.Integer("Failed")
    errors = fields.Text("Errors")
