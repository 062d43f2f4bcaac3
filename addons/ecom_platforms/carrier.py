"""Each platform's own code for a carrier, as records a seller can edit."""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

from .shop import API_PLATFORMS


class PlatformCarrier(ModelSQL, ModelView):
    "Platform Carrier Code"
    __name__ = 'ecom.platform.carrier'

    platform = fields.Selection('get_platforms', "Platform", required=True)
    carrier_code = fields.Char("Carrier Code", required=True,
        help="The code of the carrier's party in the suite (ZTO, SF …).")
    code = fields.Char("Platform Code", required=True,
        help="The platform's own code or name of the carrier, sent with "
        "the tracking number.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('platform_carrier_unique',
                Unique(t, t.platform, t.carrier_code),
                'ecom_platforms.msg_platform_carrier_unique'),
            ]
        cls._order = [
            ('platform', 'ASC'), ('carrier_code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_platforms(cls):
        Shop = Pool().get('ecom.shop')
        return [(p, s) for p, s
            in Shop.fields_get(['platform'])['platform']['selection']
            if p in API_PLATFORMS]

    @classmethod
    def platform_code(cls, platform, carrier):
        """The platform's code of the carrier: the mapped one, else the
        code of the carrier's party"""
        if not carrier:
            return None
        code = carrier.party.code
        mapped = cls.search([
                ('platform', '=', platform),
                ('carrier_code', '=', code),
                ], limit=1)
        return mapped[0].code if mapped else code
