"""Client for the sales_coordination Odoo 18 addon, on odoorpc."""

from .api import Client
from .connection import (
    BusinessError,
    ClientError,
    ConnectionFailed,
    KeyAwareODOO,
    ServerError,
    UsageError,
    connect,
)

__all__ = [
    "BusinessError",
    "Client",
    "ClientError",
    "ConnectionFailed",
    "KeyAwareODOO",
    "ServerError",
    "UsageError",
    "connect",
]
