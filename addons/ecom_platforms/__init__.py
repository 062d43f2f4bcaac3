# This file is part of ecom suite. Classes are registered in tryton.cfg.
# The HTTP routes register themselves with the WSGI application on import.
from . import routes  # noqa: F401
