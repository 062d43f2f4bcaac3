from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

PLATFORMS = [
    ('taobao', "Taobao"),
    ('tmall', "Tmall"),
    ('jd', "JD"),
    ('pdd', "Pinduoduo"),
    ('douyin', "Douyin"),
    ('shopify', "Shopify"),
    ('manual', "Manual"),
    ]


class Shop(DeactivableMixin, ModelSQL, ModelView):
    "E-commerce Shop"
    __name__ = 'ecom.shop'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="Short code of the shop, used in references and imports.")
    platform = fields.Selection(PLATFORMS, "Platform", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')],
        help="The default warehouse that ships this shop's orders.")
    endpoint = fields.Char("Endpoint",
        help="Base URL of the platform API "
        "(point it at the simulator for tests and trials).")
    app_key = fields.Char("App Key")
    app_secret = fields.Char("App Secret")
    session_key = fields.Char("Session Key",
        help="The seller's authorisation token on the platform.")
    download_cursor = fields.DateTime("Download Cursor", readonly=True,
        help="Orders modified up to this time have been downloaded.")
    orders = fields.One2Many('ecom.order', 'shop', "Orders", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ecom_order_center.msg_shop_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))
        cls.warehouse.search_context = {'company': Eval('company', -1)}

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_platform():
        return 'manual'
