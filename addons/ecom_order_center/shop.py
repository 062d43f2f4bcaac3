import datetime as dt

from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.tools import timezone as tz
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
# where a platform's sellers count their days; a Shopify shop sets its own
PLATFORM_TIMEZONES = {
    'taobao': 'Asia/Shanghai',
    'tmall': 'Asia/Shanghai',
    'jd': 'Asia/Shanghai',
    'pdd': 'Asia/Shanghai',
    'douyin': 'Asia/Shanghai',
    'manual': 'Asia/Shanghai',
    }
TIMEZONES = sorted((z, z) for z in tz.available_timezones())


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
    timezone = fields.Selection(TIMEZONES, "Time Zone", required=True,
        translate=False,
        help="The time zone the shop's days are counted in: the day of "
        "an order's sale, the local times of imported spreadsheets.")
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

    @classmethod
    def default_timezone(cls):
        return PLATFORM_TIMEZONES[cls.default_platform()]

    @fields.depends('platform', 'timezone')
    def on_change_platform(self):
        self.timezone = PLATFORM_TIMEZONES.get(self.platform, self.timezone)

    @classmethod
    def create(cls, vlist):
        vlist = [v if v.get('timezone') else dict(v,
                timezone=PLATFORM_TIMEZONES.get(
                    v.get('platform') or cls.default_platform(), 'UTC'))
            for v in vlist]
        return super().create(vlist)

    def local_datetime(self, value):
        "The naive UTC value as a naive datetime of the shop's time zone"
        return value.replace(tzinfo=dt.timezone.utc).astimezone(
            tz.ZoneInfo(self.timezone)).replace(tzinfo=None)

    def local_date(self, value):
        "The day of the naive UTC value in the shop's time zone"
        return self.local_datetime(value).date()

    def utc_datetime(self, value):
        "The naive datetime of the shop's time zone as naive UTC"
        return value.replace(tzinfo=tz.ZoneInfo(self.timezone)).astimezone(
            dt.timezone.utc).replace(tzinfo=None)
