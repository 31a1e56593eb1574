from . import test_required_fields
