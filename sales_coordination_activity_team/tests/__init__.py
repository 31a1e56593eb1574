from . import test_activity_team_bridge
from . import test_activity_team_default
