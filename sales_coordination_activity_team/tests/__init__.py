from . import test_activity_team_bridge
