from trytond.model import ModelSQL, ModelView, Unique, fields

from .validate import TEXT_LIMITS


class Listing(ModelSQL, ModelView):
    "Platform Listing"
    __name__ = 'ecom.listing'
    _rec_name = 'title'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')
    platform_item_id = fields.Char("Platform Item ID", required=True,
        size=TEXT_LIMITS['platform_item_id'])
    platform_sku_id = fields.Char("Platform SKU ID",
        size=TEXT_LIMITS['platform_sku_id'],
        help="Empty when the item has no SKU variants.")
    outer_code = fields.Char("Outer Code", size=TEXT_LIMITS['outer_code'],
        help="The seller's own code typed on the platform (商家编码).")
    title = fields.Char("Title", size=TEXT_LIMITS['title'])
    product = fields.Many2One('product.product', "Product",
        help="The product (possibly a kit) this listing sells.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('shop_item_sku_unique',
                Unique(t, t.shop, t.platform_item_id, t.platform_sku_id),
                'ecom_order_center.msg_listing_unique'),
            ]

    @staticmethod
    def default_platform_sku_id():
        return ''
