from . import mail_activity
from . import sale_order_line
