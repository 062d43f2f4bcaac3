"""Every case of the seller memo's salesperson matcher and of the pattern
check, one table each: plain values, no database."""
import unittest

from trytond.modules.ecom_order_center.salesperson import (
    MemoMatch, check_pattern, match_memo)

COLON = r'业务员[:：]\s*(\S+)'
HASH = r'#(\S+)'
ALIASES = {"小王": 'wang'}
EMPLOYEES = {"王小明": ['wang'], "李四": ['li'], "张伟": ['zhang1', 'zhang2']}


class SalespersonMatcherTestCase(unittest.TestCase):

    def test_match_memo(self):
        for memo, patterns, expected in [
                ("业务员：小王", [COLON, HASH],
                    MemoMatch(COLON, "小王", 'wang', None)),
                ("业务员:李四 加急", [COLON],
                    MemoMatch(COLON, "李四", 'li', None)),
                ("业务员：  王小明", [COLON],
                    MemoMatch(COLON, "王小明", 'wang', None)),
                ("#李四", [COLON, HASH], MemoMatch(HASH, "李四", 'li', None)),
                # the first pattern that finds a name decides
                ("#小王 业务员：李四", [COLON, HASH],
                    MemoMatch(COLON, "李四", 'li', None)),
                ("#小王 业务员：李四", [HASH, COLON],
                    MemoMatch(HASH, "小王", 'wang', None)),
                # an alias comes before an employee's own name
                ("#小王", [HASH], MemoMatch(HASH, "小王", 'wang', None)),
                ("#老赵", [HASH], MemoMatch(HASH, "老赵", None, 'unknown')),
                ("#张伟", [HASH], MemoMatch(HASH, "张伟", None, 'ambiguous')),
                # a group that captures nothing lets the next pattern try
                ("业务员：#李四", [r'业务员：(\d*)', HASH],
                    MemoMatch(HASH, "李四", 'li', None)),
                ("送礼，不要放发票", [COLON, HASH], None),
                ("", [COLON], None),
                (None, [COLON], None),
                ("业务员：小王", [], None),
                ]:
            with self.subTest(memo=memo, patterns=patterns):
                self.assertEqual(
                    match_memo(memo, patterns, ALIASES, EMPLOYEES), expected)

    def test_check_pattern(self):
        for pattern, expected in [
                (COLON, None),
                (HASH, None),
                (r'(?:业务员|销售)[:：](\S+)', None),
                (r'业务员[:：]\s*\S+', (
                        'ecom_order_center.msg_salesperson_pattern_group',
                        {})),
                (r'(?:业务员)\S+', (
                        'ecom_order_center.msg_salesperson_pattern_group',
                        {})),
                (r'业务员[:：\s*(\S+)', (
                        'ecom_order_center.msg_salesperson_pattern_invalid',
                        {'position': 4})),
                (r'#(\S+', (
                        'ecom_order_center.msg_salesperson_pattern_invalid',
                        {'position': 2})),
                ]:
            with self.subTest(pattern=pattern):
                if expected is None:
                    check_pattern(pattern)
                    continue
                with self.assertRaises(ValueError) as raised:
                    check_pattern(pattern)
                self.assertEqual(raised.exception.args, expected)
