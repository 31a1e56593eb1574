from . import test_followup_trigger
