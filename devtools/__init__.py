"""Tools for developing ecom suite, not part of its modules: the platform
simulator (``ecom-simulator``) and the benchmarks (``ecom-bench``)."""
