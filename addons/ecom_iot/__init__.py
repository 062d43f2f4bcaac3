# This file is part of ecom suite. Classes are registered in tryton.cfg;
# the routes register themselves with the WSGI application on import.
from . import routes

__all__ = [routes]
