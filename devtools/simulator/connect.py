"""Connect the demo shops and warehouses to the platform simulator.

    python -m devtools.simulator.connect -c trytond.conf -d ecom \\
        --endpoint http://127.0.0.1:8700

Each shop gets the simulator's address and the credentials a fresh
simulator knows it by, and downloads every minute.  Each carrier gets an
e-waybill account (电子面单) at each warehouse on one of the simulator's
waybill services, so a clerk gets waybill numbers.  A development tool:
production shops get their endpoint and credentials from the platforms,
the waybill accounts from the seller's branch or platform.
"""
import argparse

from devtools.simulator import default_credentials
from proteus import Model
from proteus import config as pconfig


def point_shop(shop, endpoint):
    """Give the shop (a record of the server or of proteus) the simulator's
    endpoint and the credentials a fresh simulator knows it by"""
    credentials = default_credentials(shop.code)
    shop.endpoint = endpoint
    shop.app_key = credentials['app_key']
    shop.app_secret = credentials['app_secret']
    shop.session_key = credentials['session']
    shop.webhook_secret = credentials['webhook_secret']


# the simulator's waybill service each demo carrier's numbers come from
WAYBILL_SERVICES = {'ZTO': 'cainiao', 'YTO': 'pdd', 'SF': 'sf', 'EMS': 'jd'}


def waybill_account(carrier, warehouse, service, endpoint, config=None,
        **values):
    """An unsaved e-waybill account of the carrier at the warehouse on the
    simulator's service; values change the defaults"""
    Account = Model.get('ecom.waybill.account', config=config)
    values = {
        'endpoint': endpoint + '/waybill/' + service,
        'app_key': 'key', 'app_secret': 'secret', 'session_key': 'session',
        'carrier_code': carrier.party.code, 'customer_code': '330100-001',
        'sender_name': '茶语旗舰店', 'sender_phone': '0571-88886666',
        **values}
    return Account(carrier=carrier, warehouse=warehouse, service=service,
        **values)


def connect_waybills(config, endpoint):
    """An e-waybill account for each carrier at each warehouse that has
    none, on the simulator's service of the carrier"""
    Account = Model.get('ecom.waybill.account', config=config)
    Carrier = Model.get('carrier', config=config)
    Location = Model.get('stock.location', config=config)
    existing = {(a.carrier.id, a.warehouse.id) for a in Account.find([])}
    accounts = [waybill_account(carrier, warehouse,
            WAYBILL_SERVICES[carrier.party.code], endpoint, config=config)
        for carrier in Carrier.find([
                ('party.code', 'in', list(WAYBILL_SERVICES))])
        for warehouse in Location.find([('type', '=', 'warehouse')])
        if (carrier.id, warehouse.id) not in existing]
    Account.save(accounts)
    return accounts


def connect(config, endpoint):
    Shop = Model.get('ecom.shop', config=config)
    shops = Shop.find([('platform', '!=', 'manual')])
    for shop in shops:
        point_shop(shop, endpoint)
        shop.download_interval = 1
    Shop.save(shops)
    connect_waybills(config, endpoint)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--endpoint', required=True,
        help="where the simulator answers")
    args = parser.parse_args(argv)
    connect(pconfig.set_trytond(args.database, config_file=args.config),
        args.endpoint)
    print("Shops of %s connected to %s" % (args.database, args.endpoint))


if __name__ == '__main__':
    main()
