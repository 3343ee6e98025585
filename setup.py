"""Builds the bulk path's compiled kernel (visualizer/engine/_kernel.c) at install time.

Optional: where no C compiler is found the package installs without it and the bulk path runs
its pure-Python reference code (same results, slower)."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("visualizer.engine._kernel", ["visualizer/engine/_kernel.c"],
                             extra_compile_args=["-O2"], optional=True)])
