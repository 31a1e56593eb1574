from . import test_check_type
