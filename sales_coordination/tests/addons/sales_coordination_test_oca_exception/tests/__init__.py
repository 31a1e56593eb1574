from . import test_order_blocked_by_both
