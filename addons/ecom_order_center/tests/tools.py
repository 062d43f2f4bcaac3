"""One place that sets up a seller: company, books, warehouses, products,
kits, carriers, stock and shops.

The demo loader and every module's tests call :func:`setup_seller`; tests
pass it to ``activate_modules`` so the prepared database is cached and
restored, then look the records up again with :func:`get_seller`.
"""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from proteus import Model
from proteus import config as pconfig
from proteus.config import get_config

from trytond.exceptions import UserWarning
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.modules.ecom_order_center.subdivision import PROVINCES

COMPANY_NAME = "杭州茶语电子商务有限公司"

# code, name, list price, cost price, weight (kg)
PRODUCTS = [
    ('TEA-LJ-250', "西湖龙井 250g 罐装", '168.00', '92.00', 0.32),
    ('TEA-LJ-500', "西湖龙井 500g 礼盒", '318.00', '176.00', 0.65),
    ('TEA-BLC-100', "碧螺春 100g 袋装", '88.00', '41.00', 0.13),
    ('TEA-TGY-250', "安溪铁观音 250g", '128.00', '63.00', 0.30),
    ('TEA-DHP-200', "武夷大红袍 200g", '228.00', '118.00', 0.27),
    ('TEA-PE-357', "云南普洱生茶饼 357g", '198.00', '95.00', 0.40),
    ('TEA-BC-300', "福鼎白茶 300g", '158.00', '77.00', 0.36),
    ('TEA-MLH-100', "茉莉花茶 100g", '49.00', '19.00', 0.12),
    ('TEA-JH-50', "杭白菊 50g", '29.00', '11.00', 0.07),
    ('TEA-HC-150', "祁门红茶 150g", '138.00', '66.00', 0.20),
    ('CUP-GL-300', "双层玻璃茶杯 300ml", '59.00', '22.00', 0.35),
    ('CUP-CR-150', "景德镇陶瓷品茗杯 150ml", '39.00', '12.00', 0.15),
    ('CUP-TR-400', "便携旅行茶水分离杯 400ml", '89.00', '35.00', 0.42),
    ('POT-ZS-200', "宜兴紫砂壶 200ml", '388.00', '150.00', 0.55),
    ('POT-GW-150', "白瓷盖碗 150ml", '69.00', '24.00', 0.25),
    ('SET-TR-01', "竹制茶盘", '149.00', '58.00', 1.80),
    ('SET-TS-06', "茶道六君子", '45.00', '15.00', 0.30),
    ('SET-GF-01', "旅行功夫茶具套装", '199.00', '80.00', 1.20),
    ('BOX-GF-L', "高档礼盒 大号", '30.00', '9.00', 0.45),
    ('BOX-GF-S', "礼品袋 小号", '5.00', '1.20', 0.05),
    ('GFT-SP-01', "试饮装 5g×3", '9.90', '2.50', 0.02),
    ('GFT-TS-01', "定制茶匙", '6.00', '1.50', 0.01),
    ]
# code, name, list price, components (code, quantity)
KITS = [
    ('KIT-LJ-GIFT', "龙井礼盒装 (龙井 500g + 礼盒)", '338.00',
        [('TEA-LJ-500', 1), ('BOX-GF-L', 1), ('BOX-GF-S', 1)]),
    ('KIT-TEA-SET', "品茗套装 (盖碗 + 品茗杯×4 + 铁观音)", '268.00',
        [('POT-GW-150', 1), ('CUP-CR-150', 4), ('TEA-TGY-250', 1)]),
    ('KIT-TASTE-3', "三款名茶尝鲜装", '359.00',
        [('TEA-LJ-250', 1), ('TEA-BLC-100', 1), ('TEA-HC-150', 1)]),
    ]
# code, name
CARRIERS = [
    ('ZTO', "中通快递"),
    ('SF', "顺丰速运"),
    ('YTO', "圆通速递"),
    ('EMS', "中国邮政 EMS"),
    ]
# code, name, platform, warehouse code
SHOPS = [
    ('TB01', "茶语旗舰店 (淘宝)", 'taobao', 'WH'),
    ('TM01', "茶语天猫旗舰店", 'tmall', 'WH'),
    ('JD01', "茶语京东自营店", 'jd', 'WH'),
    ('PDD01', "茶语拼多多店", 'pdd', 'GZ'),
    ('DY01', "茶语抖音小店", 'douyin', 'GZ'),
    ('SP01', "Chayu Tea (Shopify)", 'shopify', 'WH'),
    ('MAN01', "线下手工单", 'manual', 'WH'),
    ]
STOCK = {'WH': 200, 'GZ': 80}
# ISO 3166-2:US code and name of the states and the district (Tryton's
# country data has them when imported; the tests make only these)
US_STATES = dict(line.split(' ', 1) for line in """\
AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|\
CT Connecticut|DE Delaware|DC District of Columbia|FL Florida|GA Georgia|\
HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|\
LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|\
MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|\
NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|\
NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|\
PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|\
TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|\
WV West Virginia|WI Wisconsin|WY Wyoming""".split('|'))


def ean13(number):
    "Return the EAN-13 for the 12-digit number with its check digit"
    digits = [int(d) for d in number]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return number + str((10 - total % 10) % 10)


def setup_seller(config=None, today=None):
    "Create everything a seller has before the first order arrives"
    config = config or get_config()
    setup_china(config)
    setup_united_states(config)
    Currency = Model.get('currency.currency', config=config)
    cny = Currency.find([('code', '=', 'CNY')])
    if not cny:
        cny = Currency(name="人民币", code='CNY', symbol='¥', digits=2,
            rounding=Decimal('0.01'))
        cny.save()
    else:
        cny, = cny
    if not Currency.find([('code', '=', 'USD')]):
        # without rates: a test gives the rates its story needs
        Currency(name="美元", code='USD', symbol='$', digits=2,
            rounding=Decimal('0.01')).save()
    Party = Model.get('party.party', config=config)
    party = Party(name=COMPANY_NAME)
    party.save()
    create_company(party=party, currency=cny, config=config)
    company = get_company(config=config)
    fiscalyear = set_fiscalyear_invoice_sequences(
        create_fiscalyear(company, today=today, config=config),
        config=config)
    fiscalyear.click('create_period')
    create_chart(company, config=config)
    accounts = get_accounts(company, config=config)

    warehouses = _setup_warehouses(config)
    categories = _setup_categories(accounts, config)
    products = _setup_products(categories, config)
    _setup_kits(products, categories, config)
    _setup_carriers(categories, config)
    receive_stock(STOCK, products, warehouses, company, config)
    _setup_shops(company, warehouses, config)


def setup_china(config):
    "Create China and its provinces unless the countries were imported"
    Country = Model.get('country.country', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    china = Country.find([('code', '=', 'CN')])
    if china:
        china, = china
    else:
        china = Country(name="中国", code='CN', code3='CHN',
            code_numeric='156')
        china.save()
    existing = {s.code for s in Subdivision.find([('country', '=', china)])}
    Subdivision.save([
            Subdivision(country=china, code=code, name=name, type=type_)
            for code, name, _, type_ in PROVINCES if code not in existing])


def setup_united_states(config):
    "Create the United States and their states unless they were imported"
    Country = Model.get('country.country', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    states = Country.find([('code', '=', 'US')])
    if states:
        states, = states
    else:
        states = Country(name="美国", code='US', code3='USA',
            code_numeric='840')
        states.save()
    existing = {s.code for s in Subdivision.find([('country', '=', states)])}
    Subdivision.save([
            Subdivision(country=states, code='US-' + code, name=name,
                type='district' if code == 'DC' else 'state')
            for code, name in US_STATES.items()
            if 'US-' + code not in existing])


def _setup_warehouses(config):
    Location = Model.get('stock.location', config=config)
    main, = Location.find([('code', '=', 'WH')])
    main.name = "杭州仓"
    main.save()
    storage = Location(name="广州仓 库存区", type='storage')
    storage.save()
    input_ = Location(name="广州仓 收货区", type='storage')
    input_.save()
    output = Location(name="广州仓 发货区", type='storage')
    output.save()
    second = Location(name="广州仓", code='GZ', type='warehouse',
        storage_location=storage, input_location=input_,
        output_location=output)
    second.save()
    return {'WH': main, 'GZ': second}


def _setup_categories(accounts, config):
    Category = Model.get('product.category', config=config)
    accounting = Category(name="茶叶与茶具", accounting=True)
    accounting.account_expense = accounts['expense']
    accounting.account_revenue = accounts['revenue']
    accounting.save()
    names = {'TEA': "茶叶", 'CUP': "茶杯", 'POT': "茶壶", 'SET': "茶具",
        'BOX': "包装", 'GFT': "赠品", 'KIT': "组合装"}
    result = {'accounting': accounting}
    for prefix, name in names.items():
        category = Category(name=name)
        category.save()
        result[prefix] = category
    return result


def _setup_products(categories, config):
    Uom = Model.get('product.uom', config=config)
    Template = Model.get('product.template', config=config)
    unit, = Uom.find([('name', '=', 'Unit')])
    kg, = Uom.find([('symbol', '=', 'kg')])
    templates = []
    for i, (code, name, price, cost, weight) in enumerate(PRODUCTS):
        template = Template(name=name, code=code, type='goods',
            default_uom=unit, salable=True, list_price=Decimal(price),
            account_category=categories['accounting'],
            weight=weight, weight_uom=kg)
        template.categories.append(
            Model.get('product.category', config=config)(
                categories[code.split('-')[0]].id))
        product, = template.products
        product.cost_price = Decimal(cost)
        identifier = product.identifiers.new()
        identifier.type = 'ean'
        identifier.code = ean13('69%010d' % (3021000 + i))
        templates.append(template)
    Template.save(templates)
    return {t.code: t.products[0] for t in templates}


def _setup_kits(products, categories, config):
    Uom = Model.get('product.uom', config=config)
    Template = Model.get('product.template', config=config)
    Product = Model.get('product.product', config=config)
    unit, = Uom.find([('name', '=', 'Unit')])
    for code, name, price, components in KITS:
        template = Template(name=name, code=code, type='kit',
            default_uom=unit, salable=True, list_price=Decimal(price),
            account_category=categories['accounting'])
        for component_code, quantity in components:
            component = template.components.new()
            component.product = Product(products[component_code].id)
            component.quantity = quantity
        template.save()


def _setup_carriers(categories, config):
    Party = Model.get('party.party', config=config)
    Uom = Model.get('product.uom', config=config)
    Template = Model.get('product.template', config=config)
    Carrier = Model.get('carrier', config=config)
    unit, = Uom.find([('name', '=', 'Unit')])
    service = Template(name="快递服务费", code='SHIP', type='service',
        default_uom=unit, salable=True, list_price=Decimal('10'),
        account_category=categories['accounting'])
    service.save()
    for code, name in CARRIERS:
        party = Party(name=name, code=code)
        party.save()
        carrier = Carrier(party=party, carrier_product=service.products[0])
        carrier.save()


def receive_stock(quantities, products, warehouses, company, config):
    "Receive quantities per warehouse code of every product from supplier"
    Location = Model.get('stock.location', config=config)
    Move = Model.get('stock.move', config=config)
    supplier, = Location.find([('code', '=', 'SUP')])
    moves = []
    for code, product in products.items():
        for wh_code, quantity in quantities.items():
            moves.append(Move(product=product, quantity=quantity,
                from_location=supplier,
                to_location=warehouses[wh_code].storage_location,
                unit_price=product.cost_price, currency=company.currency,
                effective_date=dt.date.today()))
    Move.save(moves)
    try:
        Move.click(moves, 'do')
    except UserWarning as warning:
        # stock the seller had before the system, bought outside Tryton's
        # purchases: where purchase is activated, its moves without origin
        # are a warning, answered yes as a user would
        Warning = Model.get('res.user.warning', config=config)
        Warning(user=config.user, name=warning.name).save()
        Move.click(moves, 'do')


def _setup_shops(company, warehouses, config):
    Shop = Model.get('ecom.shop', config=config)
    shops = [Shop(code=code, name=name, platform=platform, company=company,
            warehouse=warehouses[wh_code])
        for code, name, platform, wh_code in SHOPS]
    Shop.save(shops)


def get_seller(config=None):
    "Return the records set up by setup_seller, by their codes"
    config = config or get_config()
    Product = Model.get('product.product', config=config)
    Location = Model.get('stock.location', config=config)
    Carrier = Model.get('carrier', config=config)
    Shop = Model.get('ecom.shop', config=config)
    company = get_company(config=config)
    return SimpleNamespace(
        company=company,
        accounts=get_accounts(company, config=config),
        products={p.code: p for p in Product.find([])},
        warehouses={w.code: w for w in Location.find(
                [('type', '=', 'warehouse')])},
        carriers={c.party.code: c for c in Carrier.find([])},
        shops={s.code: s for s in Shop.find([])},
        )


def make_employees(company, names, config=None):
    "Employees of the company by name, each with a party of that name"
    config = config or get_config()
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    employees = {}
    for name in names:
        party = Party(name=name)
        party.save()
        employee = Employee(party=party, company=company)
        employee.save()
        employees[name] = employee
    return employees


# Every module of the suite
SUITE_MODULES = ['ecom_order_center', 'ecom_platforms', 'ecom_warehouse',
    'ecom_finance', 'ecom_iot']
# The modules of the suite's shared test database, as the demo has them:
# ours and the Tryton modules whose extras ours register (stock_supply for
# the replenishment)
SUITE_DATABASE = SUITE_MODULES + ['stock_supply']
# The database the others are activated on
BASE_MODULES = ['ecom_order_center']
# The modules loaded for the last activate_seller, by cache name
_loaded = {}


def activate_database(modules):
    """The test database with the modules activated, and no seller

    Every module of the suite depends on the order center, so a set of
    modules is activated on the cached database of the order center alone:
    Tryton then sets up only what the set adds, where activating it on an
    empty database would set up the accounting, sales and stock modules
    once more for each set.  Without a cache it is test_tryton's
    ``activate_module``."""
    from trytond.tests import test_tryton

    modules = sorted(modules)
    if test_tryton.DB_CACHE and modules != BASE_MODULES:
        test_tryton.drop_db()
        if test_tryton.restore_db_cache('-'.join(modules)):
            return
        test_tryton.activate_module(BASE_MODULES)
    # on an existing database, activates what is missing and caches it
    test_tryton.activate_module(modules)


def seller_database(modules):
    """``activate_modules(modules, setup_seller)`` of Tryton's test tools,
    cached under the same name, on :func:`activate_database`"""
    from trytond.tests import test_tryton
    from trytond.tests.tools import activate_modules

    if not test_tryton.DB_CACHE:
        return activate_modules(modules, setup_seller)
    name = '-'.join(sorted(modules)) + '--' + setup_seller.__qualname__
    if not test_tryton.restore_db_cache(name):
        test_tryton.drop_db()
        activate_database(modules)
        setup_seller(config=pconfig.set_trytond())
        test_tryton.backup_db_cache(name)
    return pconfig.set_trytond()


def activate_seller(modules=('ecom_order_center',)):
    """A fresh copy of the seller's database for a test:
    :func:`seller_database` made cheap to repeat

    Loading the modules into the pool takes seconds, and restoring a
    cached database does it twice per test (on restoring it and on making
    the proteus config).  When the pool still holds the same modules (the
    last test ended with :func:`drop_seller`), only the database is
    restored and the config is reset to the administrator."""
    from trytond.pool import Pool
    from trytond.tests import test_tryton

    modules = sorted(modules)
    name = '-'.join(modules) + '--' + setup_seller.__qualname__
    loaded = _loaded.get(name)
    if (loaded and test_tryton.DB_NAME in Pool.database_list()
            and Pool(test_tryton.DB_NAME).get('res.user') is loaded.User
            and _restore_db(name)):
        config = loaded.config
        config.user, config._context = loaded.user, dict(loaded.context)
        pconfig._CONFIG.current = config
        return config
    _loaded.clear()
    config = seller_database(modules)
    _loaded[name] = SimpleNamespace(config=config,
        User=Pool(test_tryton.DB_NAME).get('res.user'),
        user=config.user, context=dict(config._context))
    return config


def _restore_db(name):
    "Restore the cached database name without loading the modules again"
    from trytond import backend
    from trytond.tests import test_tryton

    cache = test_tryton.DB_CACHE
    if not cache:
        return False
    cache_file = test_tryton._db_cache_file(cache, name)
    if backend.name == 'sqlite':
        return test_tryton._sqlite_copy(cache_file, restore=True)
    elif backend.name == 'postgresql':
        return test_tryton._pg_restore(cache_file)
    return False


def drop_seller():
    """Drop the test database like ``drop_db`` but keep the modules loaded
    for the next :func:`activate_seller`"""
    from trytond import backend
    from trytond.cache import Cache
    from trytond.tests import TABLES_CREATED
    from trytond.tests.test_tryton import DB_NAME, db_exist
    from trytond.transaction import Transaction

    if db_exist(DB_NAME):
        database = backend.Database(DB_NAME)
        database.close()
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            database.drop(transaction.connection, DB_NAME)
        Cache.drop(DB_NAME)
        TABLES_CREATED.clear()


class SuiteDatabaseMixin:
    """Run a ModuleTestCase on the suite's database (SUITE_DATABASE)

    The database is activated once per backend and cached, where each
    module's own activation would take a minute."""

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import TestCase, drop_db

        # TestCase's set-up, without ModuleTestCase's activation
        TestCase.setUpClass.__func__(cls)
        drop_db()
        activate_database(SUITE_DATABASE)


class SellerDatabaseMixin:
    """Run a ModuleTestCase on the seller's database of its module alone,
    the one the module's scenarios restore"""

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import TestCase, drop_db

        # TestCase's set-up, without ModuleTestCase's activation
        TestCase.setUpClass.__func__(cls)
        drop_db()
        activate_seller([cls.module])
