"""Chinese provinces as the platforms write them, mapped to the ISO 3166-2:CN
subdivisions of Tryton's country module.

Platforms send a receiver's province in many forms: ``浙江``, ``浙江省``,
``广西壮族自治区``, ``内蒙古``, ``上海``, ``上海市`` and, from Shopify,
``Zhejiang`` or ``CN-ZJ``. Every form is reduced to the ISO code, and the
subdivision is found by that code, so the mapping works whether the countries
were loaded by ``trytond_import_countries`` (English names) or created from
:data:`PROVINCES` (Chinese names).

Other countries' subdivisions are found in Tryton's country data by their
ISO 3166-2 code (``US-CA``, or ``CA`` with the country), else by name.
A place without a country is in China: the Chinese platforms send none.
"""
import re

from trytond.pool import Pool

# ISO 3166-2:CN code, Chinese name, English name, Tryton subdivision type
PROVINCES = [
    ('CN-AH', "安徽省", "Anhui", 'province'),
    ('CN-BJ', "北京市", "Beijing", 'municipality'),
    ('CN-CQ', "重庆市", "Chongqing", 'municipality'),
    ('CN-FJ', "福建省", "Fujian", 'province'),
    ('CN-GD', "广东省", "Guangdong", 'province'),
    ('CN-GS', "甘肃省", "Gansu", 'province'),
    ('CN-GX', "广西壮族自治区", "Guangxi", 'autonomous region'),
    ('CN-GZ', "贵州省", "Guizhou", 'province'),
    ('CN-HA', "河南省", "Henan", 'province'),
    ('CN-HB', "湖北省", "Hubei", 'province'),
    ('CN-HE', "河北省", "Hebei", 'province'),
    ('CN-HI', "海南省", "Hainan", 'province'),
    ('CN-HK', "香港特别行政区", "Hong Kong", 'special administrative region'),
    ('CN-HL', "黑龙江省", "Heilongjiang", 'province'),
    ('CN-HN', "湖南省", "Hunan", 'province'),
    ('CN-JL', "吉林省", "Jilin", 'province'),
    ('CN-JS', "江苏省", "Jiangsu", 'province'),
    ('CN-JX', "江西省", "Jiangxi", 'province'),
    ('CN-LN', "辽宁省", "Liaoning", 'province'),
    ('CN-MO', "澳门特别行政区", "Macao", 'special administrative region'),
    ('CN-NM', "内蒙古自治区", "Nei Mongol", 'autonomous region'),
    ('CN-NX', "宁夏回族自治区", "Ningxia", 'autonomous region'),
    ('CN-QH', "青海省", "Qinghai", 'province'),
    ('CN-SC', "四川省", "Sichuan", 'province'),
    ('CN-SD', "山东省", "Shandong", 'province'),
    ('CN-SH', "上海市", "Shanghai", 'municipality'),
    ('CN-SN', "陕西省", "Shaanxi", 'province'),
    ('CN-SX', "山西省", "Shanxi", 'province'),
    ('CN-TJ', "天津市", "Tianjin", 'municipality'),
    ('CN-TW', "台湾省", "Taiwan", 'province'),
    ('CN-XJ', "新疆维吾尔自治区", "Xinjiang", 'autonomous region'),
    ('CN-XZ', "西藏自治区", "Xizang", 'autonomous region'),
    ('CN-YN', "云南省", "Yunnan", 'province'),
    ('CN-ZJ', "浙江省", "Zhejiang", 'province'),
    ]

# Longest first, so that 壮族自治区 is removed before 自治区.
_SUFFIXES = sorted([
        '省', '市', '自治区', '特别行政区', '壮族自治区', '回族自治区',
        '维吾尔自治区',
        ], key=len, reverse=True)
# Other names in use: traditional characters, old English spellings.
_ALIASES = {
    '臺灣': 'CN-TW', '台灣': 'CN-TW', '澳門': 'CN-MO',
    'innermongolia': 'CN-NM', 'neimenggu': 'CN-NM', 'tibet': 'CN-XZ',
    'macau': 'CN-MO', 'hongkong': 'CN-HK',
    }


def _short(name):
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[:-len(suffix)]
    return name


def _latin(name):
    name = re.sub(r'[\s\-_]', '', name.lower())
    for suffix in ('sheng', 'shi', 'zizhiqu', 'province', 'sar'):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
    return name


_CODES = {}
for _code, _name, _english, _type in PROVINCES:
    _CODES[_short(_name)] = _code
    _CODES[_latin(_english)] = _code
    _CODES[_code.lower()] = _code
    _CODES[_code[3:].lower()] = _code
_CODES.update(_ALIASES)


def province_code(name):
    "Return the ISO 3166-2 code of the Chinese province name or None"
    if not name:
        return None
    name = name.strip()
    return (_CODES.get(_short(name))
        or _CODES.get(name.lower())
        or _CODES.get(_latin(name)))


def provinces_to_subdivisions(names):
    """Return the country.subdivision of each Chinese province name found,
    looked up at once"""
    Subdivision = Pool().get('country.subdivision')
    codes = {name: province_code(name) for name in set(names)}
    by_code = {}
    for subdivision in Subdivision.search([
                ('code', 'in', list(set(filter(None, codes.values())))),
                ], order=[('id', 'ASC')]):
        by_code.setdefault(subdivision.code, subdivision)
    return {name: by_code[code] for name, code in codes.items()
        if code in by_code}


def _world_code(country, province):
    "The ISO 3166-2 code province may be in country, or None"
    code = province.strip().upper()
    if re.fullmatch(r'[A-Z]{2}-[A-Z0-9]{1,3}', code):
        return code
    if re.fullmatch(r'[A-Z0-9]{1,3}', code):
        return '%s-%s' % (country, code)


def places_to_subdivisions(places):
    """Return the country.country and the country.subdivision (or None)
    of each (country code, province) place, looked up at once"""
    pool = Pool()
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    places = set(places)
    chinese = provinces_to_subdivisions(
        [p for c, p in places if c in (None, 'CN') and p])
    countries = {c.code: c for c in Country.search([
                ('code', 'in', list({c for c, _ in places if c} | {'CN'})),
                ])}
    codes = {place: _world_code(*place) for place in places
        if place[0] not in (None, 'CN') and place[1]}
    by_code = {}
    for subdivision in Subdivision.search([
                ('code', 'in', list(set(filter(None, codes.values())))),
                ], order=[('id', 'ASC')]):
        by_code.setdefault(subdivision.code, subdivision)
    result = {}
    for country_code, province in places:
        country = countries.get(country_code or 'CN')
        if country_code in (None, 'CN'):
            subdivision = chinese.get(province)
        else:
            subdivision = by_code.get(codes.get((country_code, province)))
            if subdivision is None and province and country:
                subdivision = next(iter(Subdivision.search([
                                ('country', '=', country.id),
                                ('name', 'ilike', province.strip()),
                                ], limit=1, order=[('id', 'ASC')])), None)
        if subdivision is not None and country is None:
            country = subdivision.country
        result[country_code, province] = (country, subdivision)
    return result


def province_to_subdivision(name):
    "Return the country.subdivision of the Chinese province name or None"
    return provinces_to_subdivisions([name]).get(name)
