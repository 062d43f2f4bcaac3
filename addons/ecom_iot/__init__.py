# This file is part of ecom suite. Classes are registered in tryton.cfg.
