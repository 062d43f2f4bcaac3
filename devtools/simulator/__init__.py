"""A stand-in for the platforms' open APIs, on one loopback port.

Taobao/Tmall, JD, Pinduoduo, Douyin shop and Shopify are served in their
wire formats, with their signatures checked, their paging, window limits
and error shapes. Orders are generated at a configurable rate, the state
survives restarts, and faults are injected through ``POST /_sim/fault``.
"""
from .server import Simulator
from .state import default_credentials

__all__ = ['Simulator', 'default_credentials']
